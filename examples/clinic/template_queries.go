package main

import (
	"context"
	"net/http"
)

// authorLoader looks up an author's name while a component renders.
type authorLoader func(ctx context.Context, authorID int64) (string, error)

// templateQueriesBad hands the component the posts and a loader: the
// template looks each author up as it renders a row, out of sight of the
// handler.
func (a *app) templateQueriesBad(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.LatestPostSummaries(r.Context(), listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairTemplate, false, lazyPostList(posts, a.store.AuthorName))
}

// templateQueriesFix loads everything the template shows before rendering.
func (a *app) templateQueriesFix(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.LatestPostsWithAuthors(r.Context(), listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairTemplate, true, postList(posts))
}
