package main

import (
	"net/http"
)

const (
	pageSize = 10
	deepPage = 40 // the page the pagination pair opens
)

// pageView is what the pagination pages show.
type pageView struct {
	Posts []PostSummary
	Plan  []string
	// Page and Pages are for OFFSET pagination, which numbers pages.
	Page, Pages int
	// Older is the next keyset page's URL, empty on the last page.
	Older string
}

// paginationBad numbers its pages, so it counts the posts, and reaches
// page p with OFFSET: SQLite walks past every row of the pages before.
func (a *app) paginationBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page := int(intParam(r, "page", 1))
	total, err := a.store.CountPosts(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := pageView{Page: page, Pages: (total + pageSize - 1) / pageSize}
	if v.Posts, err = a.store.PostsPage(ctx, page, pageSize); err != nil {
		a.fail(w, r, err)
		return
	}
	if v.Plan, err = a.store.ExplainPostsPage(ctx, page, pageSize); err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairPagination, false, offsetPage(v))
}

// paginationFix pages with a cursor, the last id seen: WHERE id < cursor
// starts right at the page on the primary key, however deep, and needs no
// count.
func (a *app) paginationFix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	before := intParam(r, "before", maxCursor)
	posts, err := a.store.PostsBefore(ctx, before, pageSize+1)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := pageView{Posts: posts}
	if len(posts) > pageSize {
		v.Posts = posts[:pageSize]
		v.Older = "/pagination/fix?before=" + itoa(v.Posts[pageSize-1].ID)
	}
	if v.Plan, err = a.store.ExplainPostsBefore(ctx, before, pageSize+1); err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairPagination, true, keysetPage(v))
}
