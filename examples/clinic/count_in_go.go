package main

import "net/http"

// commentStats is what the counting pages show.
type commentStats struct {
	Total int
	Posts []countedPost
}

// countedPost is a post with its comment count.
type countedPost struct {
	PostSummary
	Comments int
}

// countInGoBad loads every comment to count them with len and a loop.
func (a *app) countInGoBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	comments, err := a.store.AllComments(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	perPost := map[int64]int{}
	for _, c := range comments {
		perPost[c.PostID]++
	}
	stats := commentStats{Total: len(comments), Posts: make([]countedPost, len(posts))}
	for i, p := range posts {
		stats.Posts[i] = countedPost{PostSummary: p, Comments: perPost[p.ID]}
	}
	a.page(w, r, pairCounting, false, commentStatsView(stats))
}

// countInGoFix lets SQLite count: COUNT(*) for the total, GROUP BY for the
// posts on the page.
func (a *app) countInGoFix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	total, err := a.store.CountComments(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	counts, err := a.store.CommentCounts(ctx, postIDs(posts))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	stats := commentStats{Total: total, Posts: make([]countedPost, len(posts))}
	for i, p := range posts {
		stats.Posts[i] = countedPost{PostSummary: p, Comments: counts[p.ID]}
	}
	a.page(w, r, pairCounting, true, commentStatsView(stats))
}
