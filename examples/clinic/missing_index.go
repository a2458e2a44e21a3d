package main

import (
	"net/http"
)

// indexAuthor is the author whose posts the missing-index pages list.
const indexAuthor = 7

// indexView is what the missing-index pages show.
type indexView struct {
	AuthorID int64
	HasIndex bool
	Plan     []string
	Posts    []PostSummary
}

// missingIndex serves both sides of the index pair: the query is the same,
// only the database differs, so the page shows the current plan and a
// button that creates or drops the index. fix says which side the URL is.
func (a *app) missingIndex(fix bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := indexView{AuthorID: intParam(r, "author", indexAuthor)}
		var err error
		if v.HasIndex, err = a.store.HasAuthorDateIndex(ctx); err != nil {
			a.fail(w, r, err)
			return
		}
		if v.Posts, err = a.store.PostsByAuthor(ctx, v.AuthorID, listSize); err != nil {
			a.fail(w, r, err)
			return
		}
		if v.Plan, err = a.store.ExplainPostsByAuthor(ctx, v.AuthorID, listSize); err != nil {
			a.fail(w, r, err)
			return
		}
		a.page(w, r, pairIndex, fix, indexPage(v))
	}
}

// toggleIndex creates (action=create) or drops (action=drop) the index,
// then shows the side of the pair the database is now on.
func (a *app) toggleIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var err error
	to := "/missing-index/bad"
	switch r.PostFormValue("action") {
	case "create":
		err = a.store.CreateAuthorDateIndex(ctx)
		to = "/missing-index/fix"
	case "drop":
		err = a.store.DropAuthorDateIndex(ctx)
	default:
		http.Error(w, "action must be create or drop", http.StatusBadRequest)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
