package main

import (
	"context"
	"net/http"
)

const (
	topPostsKey = "top-posts"
	topPostsN   = 10
)

// topPostsBad asks the database for the top posts on every request.
func (a *app) topPostsBad(w http.ResponseWriter, r *http.Request) {
	top, err := a.store.TopPosts(r.Context(), topPostsN)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairCache, false, topPostsBlock(top))
}

// topPostsFix serves the top posts from the cache, asking the database
// only when the entry is missing or expired.
func (a *app) topPostsFix(w http.ResponseWriter, r *http.Request) {
	top, err := a.cachedTopPosts(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairCache, true, topPostsBlock(top))
}

func (a *app) cachedTopPosts(ctx context.Context) ([]TopPost, error) {
	if top, ok := a.topPosts.Get(ctx, topPostsKey); ok {
		return top, nil
	}
	top, err := a.store.TopPosts(ctx, topPostsN)
	if err != nil {
		return nil, err
	}
	a.topPosts.Set(ctx, topPostsKey, top)
	return top, nil
}
