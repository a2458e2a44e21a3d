package main

import "net/http"

// titlesLimit is how many titles the column pages list: enough for the
// bodies to weigh.
const titlesLimit = 200

// allColumnsBad lists titles, through a repository method that returns
// whole posts.
func (a *app) allColumnsBad(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.LatestPosts(r.Context(), titlesLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	titles := make([]PostSummary, len(posts))
	for i, p := range posts {
		titles[i] = PostSummary{ID: p.ID, AuthorID: p.AuthorID, Title: p.Title, CreatedAt: p.CreatedAt}
	}
	a.page(w, r, pairColumns, false, titleList(titles))
}

// allColumnsFix selects only the columns the list shows.
func (a *app) allColumnsFix(w http.ResponseWriter, r *http.Request) {
	titles, err := a.store.LatestPostSummaries(r.Context(), titlesLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairColumns, true, titleList(titles))
}
