package main

import "net/http"

// counterPost is the post whose views the counter pages count.
const counterPost = 1

// counterView is what the counter pages show.
type counterView struct {
	ID    int64
	Title string
	Views int64
}

// viewCounterBad counts a view the way an ORM's save() does: read the
// post, add one in Go, write the whole post back. Two requests at once can
// both read 41 and both write 42.
func (a *app) viewCounterBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	post, err := a.store.PostByID(ctx, intParam(r, "id", counterPost))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	post.Views++
	if err := a.store.SavePost(ctx, post); err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairCounter, false, counterPage(counterView{ID: post.ID, Title: post.Title, Views: post.Views}))
}

// viewCounterFix lets the database add one, in one atomic statement.
func (a *app) viewCounterFix(w http.ResponseWriter, r *http.Request) {
	id := intParam(r, "id", counterPost)
	title, views, err := a.store.IncrementViews(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairCounter, true, counterPage(counterView{ID: id, Title: title, Views: views}))
}
