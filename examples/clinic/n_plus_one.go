package main

import (
	"net/http"
)

// postsWithAuthorsBad lists the newest posts with their author's name. It
// reads naturally, and runs one query per post.
func (a *app) postsWithAuthorsBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]PostWithAuthor, len(posts))
	for i, p := range posts {
		author, err := a.store.AuthorByID(ctx, p.AuthorID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		items[i] = PostWithAuthor{PostSummary: p, AuthorName: author.Name}
	}
	a.page(w, r, pairNPlusOne, false, postList(items))
}

// postsWithAuthorsFix lists the same posts with one JOIN.
func (a *app) postsWithAuthorsFix(w http.ResponseWriter, r *http.Request) {
	items, err := a.store.LatestPostsWithAuthors(r.Context(), listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.page(w, r, pairNPlusOne, true, postList(items))
}

// taggedPost is a post with its tags and comment count.
type taggedPost struct {
	PostSummary
	Tags     []Tag
	Comments int
}

// tagsAndCommentsBad asks for each post's tags and comment count as it
// goes: two queries per post.
func (a *app) tagsAndCommentsBad(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]taggedPost, len(posts))
	for i, p := range posts {
		tags, err := a.store.TagsForPost(ctx, p.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		n, err := a.store.CommentCount(ctx, p.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		items[i] = taggedPost{PostSummary: p, Tags: tags, Comments: n}
	}
	a.page(w, r, pairManyToMany, false, taggedPostList(items))
}

// tagsAndCommentsFix loads the tags and counts of all the posts at once,
// like Django's prefetch_related and annotate(Count(...)).
func (a *app) tagsAndCommentsFix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	posts, err := a.store.LatestPostSummaries(ctx, listSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := postIDs(posts)
	tags, err := a.store.TagsForPosts(ctx, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	counts, err := a.store.CommentCounts(ctx, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]taggedPost, len(posts))
	for i, p := range posts {
		items[i] = taggedPost{PostSummary: p, Tags: tags[p.ID], Comments: counts[p.ID]}
	}
	a.page(w, r, pairManyToMany, true, taggedPostList(items))
}

func postIDs(posts []PostSummary) []int64 {
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	return ids
}
