package main

import (
	"context"
	"net/http"
	"strings"
)

// duplicatePost is the post the duplicate-queries pages show.
const duplicatePost = 42

// postPage is what the duplicate-queries pages show: a post with its
// breadcrumbs and a sidebar about its author.
type postPage struct {
	Title   string
	Crumbs  []string
	Excerpt string
	Sidebar sidebar
}

type sidebar struct {
	Author Author
	More   []PostSummary
}

// duplicatesBad renders a post page whose helpers each fetch what they need
// by id: tidy functions, the same queries again and again.
func (a *app) duplicatesBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := intParam(r, "id", duplicatePost)
	post, err := a.store.PostByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := postPage{Excerpt: excerpt(post.Body)}
	if v.Title, err = a.pageTitle(ctx, id); err != nil {
		a.fail(w, r, err)
		return
	}
	if v.Crumbs, err = a.breadcrumbs(ctx, id); err != nil {
		a.fail(w, r, err)
		return
	}
	if v.Sidebar, err = a.sidebar(ctx, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairDuplicates, false, postDetail(v))
}

func (a *app) pageTitle(ctx context.Context, postID int64) (string, error) {
	post, err := a.store.PostByID(ctx, postID)
	return post.Title, err
}

func (a *app) breadcrumbs(ctx context.Context, postID int64) ([]string, error) {
	post, err := a.store.PostByID(ctx, postID)
	if err != nil {
		return nil, err
	}
	author, err := a.store.AuthorByID(ctx, post.AuthorID)
	return []string{"Blog", author.Name, post.Title}, err
}

func (a *app) sidebar(ctx context.Context, postID int64) (sidebar, error) {
	post, err := a.store.PostByID(ctx, postID)
	if err != nil {
		return sidebar{}, err
	}
	author, err := a.store.AuthorByID(ctx, post.AuthorID)
	if err != nil {
		return sidebar{}, err
	}
	more, err := a.store.PostsByAuthor(ctx, author.ID, 5)
	return sidebar{Author: author, More: more}, err
}

// duplicatesFix loads the post and its author once and hands them to
// helpers that only format.
func (a *app) duplicatesFix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	post, err := a.store.PostByID(ctx, intParam(r, "id", duplicatePost))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	author, err := a.store.AuthorByID(ctx, post.AuthorID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	more, err := a.store.PostsByAuthor(ctx, author.ID, 5)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := postPage{
		Title:   post.Title,
		Crumbs:  []string{"Blog", author.Name, post.Title},
		Excerpt: excerpt(post.Body),
		Sidebar: sidebar{Author: author, More: more},
	}
	a.page(w, r, pairDuplicates, true, postDetail(v))
}

// excerpt is a body's first paragraph.
func excerpt(body string) string {
	first, _, _ := strings.Cut(body, "\n\n")
	return first
}
