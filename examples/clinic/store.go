package main

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// Store is the app's repository: one method per question the pages ask.
// Each method is reasonable on its own; the bottlenecks come from how the
// handlers combine them.
type Store struct {
	db *sqlx.DB
}

// Author is a row of authors.
type Author struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
	Bio   string `db:"bio"`
}

// Post is a row of posts, every column, the large body included.
type Post struct {
	ID        int64     `db:"id"`
	AuthorID  int64     `db:"author_id"`
	Title     string    `db:"title"`
	Body      string    `db:"body"`
	Views     int64     `db:"views"`
	CreatedAt time.Time `db:"created_at"`
}

// PostSummary is what a list of posts needs: no body.
type PostSummary struct {
	ID        int64     `db:"id"`
	AuthorID  int64     `db:"author_id"`
	Title     string    `db:"title"`
	CreatedAt time.Time `db:"created_at"`
}

// PostWithAuthor is a summary with its author's name, from a JOIN.
type PostWithAuthor struct {
	PostSummary
	AuthorName string `db:"author_name"`
}

// Tag is a row of tags.
type Tag struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// Comment is a row of comments.
type Comment struct {
	ID         int64     `db:"id"`
	PostID     int64     `db:"post_id"`
	AuthorName string    `db:"author_name"`
	Body       string    `db:"body"`
	CreatedAt  time.Time `db:"created_at"`
}

// TopPost is a line of the "top posts" block.
type TopPost struct {
	ID         int64  `db:"id"`
	Title      string `db:"title"`
	Views      int64  `db:"views"`
	AuthorName string `db:"author_name"`
	Comments   int    `db:"comments"`
}

// ImportedComment is one row of the comments import.
type ImportedComment struct {
	PostID     int64  `db:"post_id"`
	AuthorName string `db:"author_name"`
	Body       string `db:"body"`
}

// --- posts and authors ---

// LatestPosts returns the n newest posts, every column.
func (s *Store) LatestPosts(ctx context.Context, n int) ([]Post, error) {
	var out []Post
	err := s.db.SelectContext(ctx, &out, `SELECT * FROM posts ORDER BY created_at DESC LIMIT ?`, n)
	return out, err
}

// LatestPostSummaries returns the n newest posts without their bodies.
func (s *Store) LatestPostSummaries(ctx context.Context, n int) ([]PostSummary, error) {
	var out []PostSummary
	err := s.db.SelectContext(ctx, &out,
		`SELECT id, author_id, title, created_at FROM posts ORDER BY created_at DESC LIMIT ?`, n)
	return out, err
}

// LatestPostsWithAuthors returns the n newest posts with their author's
// name, in one JOIN.
func (s *Store) LatestPostsWithAuthors(ctx context.Context, n int) ([]PostWithAuthor, error) {
	var out []PostWithAuthor
	err := s.db.SelectContext(ctx, &out, `
		SELECT p.id, p.author_id, p.title, p.created_at, a.name AS author_name
		FROM posts p JOIN authors a ON a.id = p.author_id
		ORDER BY p.created_at DESC LIMIT ?`, n)
	return out, err
}

// PostByID returns one post, every column.
func (s *Store) PostByID(ctx context.Context, id int64) (Post, error) {
	var p Post
	err := s.db.GetContext(ctx, &p, `SELECT id, author_id, title, body, views, created_at FROM posts WHERE id = ?`, id)
	return p, err
}

// AuthorByID returns one author.
func (s *Store) AuthorByID(ctx context.Context, id int64) (Author, error) {
	var a Author
	err := s.db.GetContext(ctx, &a, `SELECT id, name, email, bio FROM authors WHERE id = ?`, id)
	return a, err
}

// AuthorName returns an author's name.
func (s *Store) AuthorName(ctx context.Context, id int64) (string, error) {
	var name string
	err := s.db.GetContext(ctx, &name, `SELECT name FROM authors WHERE id = ?`, id)
	return name, err
}

// postsByAuthorSQL filters by author and orders by date: the query the
// missing index is for.
const postsByAuthorSQL = `SELECT id, author_id, title, created_at FROM posts
	WHERE author_id = ? ORDER BY created_at DESC LIMIT ?`

// PostsByAuthor returns an author's n newest posts.
func (s *Store) PostsByAuthor(ctx context.Context, authorID int64, n int) ([]PostSummary, error) {
	var out []PostSummary
	err := s.db.SelectContext(ctx, &out, postsByAuthorSQL, authorID, n)
	return out, err
}

// --- tags and comments ---

// TagsForPost returns a post's tags.
func (s *Store) TagsForPost(ctx context.Context, postID int64) ([]Tag, error) {
	var out []Tag
	err := s.db.SelectContext(ctx, &out, `
		SELECT t.id, t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
		WHERE pt.post_id = ? ORDER BY t.name`, postID)
	return out, err
}

// TagsForPosts returns the tags of many posts in one query, by post id.
func (s *Store) TagsForPosts(ctx context.Context, postIDs []int64) (map[int64][]Tag, error) {
	out := make(map[int64][]Tag, len(postIDs))
	if len(postIDs) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`
		SELECT pt.post_id, t.id, t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
		WHERE pt.post_id IN (?) ORDER BY t.name`, postIDs)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		PostID int64 `db:"post_id"`
		Tag
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.PostID] = append(out[r.PostID], r.Tag)
	}
	return out, nil
}

// CommentCount returns how many comments a post has.
func (s *Store) CommentCount(ctx context.Context, postID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM comments WHERE post_id = ?`, postID)
	return n, err
}

// CommentCounts returns the comment counts of many posts in one grouped
// query; posts without comments are absent.
func (s *Store) CommentCounts(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(postIDs))
	if len(postIDs) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT post_id, COUNT(*) AS n FROM comments WHERE post_id IN (?) GROUP BY post_id`, postIDs)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		PostID int64 `db:"post_id"`
		N      int   `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.PostID] = r.N
	}
	return out, nil
}

// AllComments returns every comment.
func (s *Store) AllComments(ctx context.Context) ([]Comment, error) {
	var out []Comment
	err := s.db.SelectContext(ctx, &out, `SELECT * FROM comments ORDER BY id`)
	return out, err
}

// CountComments returns how many comments there are.
func (s *Store) CountComments(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM comments`)
	return n, err
}

// --- the missing index ---

// authorDateIndex is the index postsByAuthorSQL needs.
const authorDateIndex = "posts_author_created"

// HasAuthorDateIndex reports whether the index exists.
func (s *Store) HasAuthorDateIndex(ctx context.Context) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, authorDateIndex)
	return n > 0, err
}

// CreateAuthorDateIndex creates the index if it is not there.
func (s *Store) CreateAuthorDateIndex(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS `+authorDateIndex+` ON posts (author_id, created_at DESC)`)
	return err
}

// DropAuthorDateIndex drops the index if it is there.
func (s *Store) DropAuthorDateIndex(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DROP INDEX IF EXISTS `+authorDateIndex)
	return err
}

// ExplainPostsByAuthor returns SQLite's plan for PostsByAuthor, one line
// per step.
func (s *Store) ExplainPostsByAuthor(ctx context.Context, authorID int64, n int) ([]string, error) {
	return s.explain(ctx, postsByAuthorSQL, authorID, n)
}

func (s *Store) explain(ctx context.Context, query string, args ...any) ([]string, error) {
	var steps []struct {
		ID      int    `db:"id"`
		Parent  int    `db:"parent"`
		NotUsed int    `db:"notused"`
		Detail  string `db:"detail"`
	}
	if err := s.db.SelectContext(ctx, &steps, "EXPLAIN QUERY PLAN "+query, args...); err != nil {
		return nil, err
	}
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = st.Detail
	}
	return out, nil
}

// --- imports ---

// ClearImports empties the import scratch table.
func (s *Store) ClearImports(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM imported_comments`)
	return err
}

// ImportComment inserts one imported comment.
func (s *Store) ImportComment(ctx context.Context, c ImportedComment) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO imported_comments (post_id, author_name, body) VALUES (?, ?, ?)`,
		c.PostID, c.AuthorName, c.Body)
	return err
}

// ImportComments inserts many imported comments with one multi-row
// INSERT, in a transaction, and returns how many it inserted.
func (s *Store) ImportComments(ctx context.Context, cs []ImportedComment) (int64, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// sqlx expands a slice into one VALUES list: (...), (...), ...
	res, err := tx.NamedExecContext(ctx,
		`INSERT INTO imported_comments (post_id, author_name, body) VALUES (:post_id, :author_name, :body)`, cs)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// --- view counter ---

// SavePost writes every column of p back, like an ORM's save().
func (s *Store) SavePost(ctx context.Context, p Post) error {
	_, err := s.db.NamedExecContext(ctx, `
		UPDATE posts SET author_id = :author_id, title = :title, body = :body, views = :views,
			created_at = :created_at
		WHERE id = :id`, p)
	return err
}

// IncrementViews adds one to a post's views in the database and returns
// the post's title and new count.
func (s *Store) IncrementViews(ctx context.Context, id int64) (title string, views int64, err error) {
	err = s.db.QueryRowxContext(ctx,
		`UPDATE posts SET views = views + 1 WHERE id = ? RETURNING title, views`, id).Scan(&title, &views)
	return title, views, err
}

// --- pagination ---

// CountPosts returns how many posts there are.
func (s *Store) CountPosts(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM posts`)
	return n, err
}

const postsPageSQL = `SELECT id, author_id, title, created_at FROM posts ORDER BY id DESC LIMIT ? OFFSET ?`

// PostsPage returns page (from 1) of the posts, newest first, size per
// page.
func (s *Store) PostsPage(ctx context.Context, page, size int) ([]PostSummary, error) {
	var out []PostSummary
	err := s.db.SelectContext(ctx, &out, postsPageSQL, size, (page-1)*size)
	return out, err
}

// ExplainPostsPage returns SQLite's plan for PostsPage.
func (s *Store) ExplainPostsPage(ctx context.Context, page, size int) ([]string, error) {
	return s.explain(ctx, postsPageSQL, size, (page-1)*size)
}

const postsBeforeSQL = `SELECT id, author_id, title, created_at FROM posts WHERE id < ? ORDER BY id DESC LIMIT ?`

// PostsBefore returns at most n posts older than the post with id before,
// newest first: keyset pagination, where the cursor is the last id seen.
func (s *Store) PostsBefore(ctx context.Context, before int64, n int) ([]PostSummary, error) {
	var out []PostSummary
	err := s.db.SelectContext(ctx, &out, postsBeforeSQL, before, n)
	return out, err
}

// ExplainPostsBefore returns SQLite's plan for PostsBefore.
func (s *Store) ExplainPostsBefore(ctx context.Context, before int64, n int) ([]string, error) {
	return s.explain(ctx, postsBeforeSQL, before, n)
}

// PageCursor returns the cursor that keyset pagination reaches page (from
// 1) with: the id just above the page's first post.
func (s *Store) PageCursor(ctx context.Context, page, size int) (int64, error) {
	if page <= 1 {
		return maxCursor, nil
	}
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM posts ORDER BY id DESC LIMIT 1 OFFSET ?`, (page-1)*size-1)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// maxCursor is the cursor before every post: the first page.
const maxCursor = int64(1) << 62

// --- top posts ---

// TopPosts returns the n most viewed posts with their author and comment
// count.
func (s *Store) TopPosts(ctx context.Context, n int) ([]TopPost, error) {
	var out []TopPost
	err := s.db.SelectContext(ctx, &out, `
		SELECT p.id, p.title, p.views, a.name AS author_name,
			(SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comments
		FROM posts p JOIN authors a ON a.id = p.author_id
		ORDER BY p.views DESC, p.id LIMIT ?`, n)
	return out, err
}
