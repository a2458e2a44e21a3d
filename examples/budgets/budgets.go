// Package budgets is the README's "Query budgets in tests": a small blog
// whose tests keep its pages to a budget of queries with the budget
// package, and check that they do not grow with the data.
package budgets

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"net/http"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Store is the blog's posts and their authors, in SQLite.
type Store struct{ db *sql.DB }

// Post is a post as the page lists it.
type Post struct {
	Title, Author string
}

// Open opens the blog's database at path, creating its tables.
func Open(path string) (*Store, error) {
	db, err := sqltrace.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors(id))`); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Seed leaves exactly n posts, each by an author of its own.
func (s *Store) Seed(n int) error {
	if _, err := s.db.Exec("DELETE FROM posts; DELETE FROM authors"); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		if _, err := s.db.Exec("INSERT INTO authors (id, name) VALUES (?, ?)", i, fmt.Sprint("Author ", i)); err != nil {
			return err
		}
		if _, err := s.db.Exec("INSERT INTO posts (title, author_id) VALUES (?, ?)", fmt.Sprint("Post ", i), i); err != nil {
			return err
		}
	}
	return nil
}

// Posts lists the posts with their authors, in one query.
func (s *Store) Posts(ctx context.Context) ([]Post, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id ORDER BY p.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.Title, &p.Author); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

var page = template.Must(template.New("posts").Parse(`<!doctype html>
<html><head><title>Posts</title></head><body><ul>
{{range .}}<li>{{.Title}} by {{.Author}}</li>
{{end}}</ul></body></html>
`))

// Routes are the blog's pages. They have no toolbar: the app adds one
// where it serves them, and its tests need none.
func Routes(s *Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts", func(w http.ResponseWriter, r *http.Request) {
		posts, err := s.Posts(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, posts)
	})
	return mux
}
