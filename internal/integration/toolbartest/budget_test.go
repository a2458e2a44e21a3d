package toolbartest_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

// bookStore is a storage layer without contexts over SQLite: posts, each
// with an author.
type bookStore struct{ db *sql.DB }

type post struct {
	ID       int
	Title    string
	AuthorID int
	Author   string
}

func newBookStore(t testing.TB) *bookStore {
	t.Helper()
	db, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "books.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
		CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER REFERENCES authors(id))`); err != nil {
		t.Fatal(err)
	}
	s := &bookStore{db}
	s.seed(t, 6)
	return s
}

// seed leaves exactly n posts, each by an author of its own.
func (s *bookStore) seed(t testing.TB, n int) {
	t.Helper()
	if _, err := s.db.Exec("DELETE FROM posts; DELETE FROM authors"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if _, err := s.db.Exec("INSERT INTO authors (id, name) VALUES (?, ?)", i, fmt.Sprint("author ", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec("INSERT INTO posts (id, title, author_id) VALUES (?, ?, ?)", i, fmt.Sprint("post ", i), i); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *bookStore) scan(rows *sql.Rows, err error, dest func(*post) []any) ([]post, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []post
	for rows.Next() {
		var p post
		if err := rows.Scan(dest(&p)...); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Posts lists the posts and then asks for each one's author: an N+1.
func (s *bookStore) Posts() ([]post, error) {
	rows, err := s.db.Query("SELECT id, title, author_id FROM posts ORDER BY id")
	ps, err := s.scan(rows, err, func(p *post) []any { return []any{&p.ID, &p.Title, &p.AuthorID} })
	if err != nil {
		return nil, err
	}
	for i := range ps { // mark:loop
		if err := s.db.QueryRow("SELECT name FROM authors WHERE id = ?", ps[i].AuthorID).Scan(&ps[i].Author); err != nil { // mark:author
			return nil, err
		}
	}
	return ps, nil
}

// PostsJoined lists the posts with their authors in one query.
func (s *bookStore) PostsJoined() ([]post, error) {
	rows, err := s.db.Query("SELECT p.id, p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id ORDER BY p.id")
	return s.scan(rows, err, func(p *post) []any { return []any{&p.ID, &p.Title, &p.Author} })
}

// routes are the book app's pages: the N+1 page, the same with a JOIN, the
// N+1 as JSON, and the N+1 page streamed (flushed as it goes).
func (s *bookStore) routes() *http.ServeMux {
	mux := http.NewServeMux()
	page := func(list func() ([]post, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			ps, err := list()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><html><head><title>posts</title></head><body><ul>")
			for _, p := range ps {
				fmt.Fprintf(w, "<li>%s by %s</li>", p.Title, p.Author)
			}
			fmt.Fprint(w, "</ul></body></html>")
		}
	}
	mux.Handle("GET /posts", page(s.Posts))
	mux.Handle("GET /posts/joined", page(s.PostsJoined))
	mux.HandleFunc("GET /api/posts", func(w http.ResponseWriter, r *http.Request) {
		ps, err := s.Posts()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ps)
	})
	mux.HandleFunc("GET /posts/streamed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><title>posts</title></head><body><ul>")
		w.(http.Flusher).Flush()
		ps, _ := s.Posts()
		for _, p := range ps {
			fmt.Fprintf(w, "<li>%s by %s</li>", p.Title, p.Author)
		}
		fmt.Fprint(w, "</ul></body></html>")
	})
	return mux
}

// budgetT is a testing.TB that keeps what the budget helpers report.
type budgetT struct {
	testing.TB
	errors []string
	fatal  string
}

type budgetStopped struct{}

func (r *budgetT) Helper()           {}
func (r *budgetT) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *budgetT) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *budgetT) Fatalf(format string, a ...any) {
	r.fatal = fmt.Sprintf(format, a...)
	panic(budgetStopped{})
}

// budgetRun calls f with a budgetT and returns it once f returned or
// stopped.
func budgetRun(f func(t testing.TB)) (r *budgetT) {
	r = &budgetT{}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(budgetStopped); !ok {
				panic(p)
			}
		}
	}()
	f(r)
	return r
}

// n1 is the N+1 detector set explicitly (its default may change).
var n1 = panels.Thresholds{NPlusOne: 3}

// storeSites are the lines of the N+1 an alert may name: the loop, or the
// query in it.
func storeSites(t *testing.T) []string {
	return []string{
		fmt.Sprintf("budget_test.go:%d", markLineIn(t, "budget_test.go", "loop")),
		fmt.Sprintf("budget_test.go:%d", markLineIn(t, "budget_test.go", "author")),
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestBudgetServeReturnsTheRecordOfAnNPlusOneRunWithoutContexts(t *testing.T) {
	s := newBookStore(t)
	r := budget.Runner{Config: toolbar.Config{Thresholds: n1}}
	rec := r.Serve(t, s.routes(), httptest.NewRequest("GET", "/posts", nil))
	if rec.Stats.Statements != 7 || rec.Response.Status != 200 {
		t.Fatalf("%d statements, status %d; want 7 (1 + 6 authors), 200", rec.Stats.Statements, rec.Response.Status)
	}
	var found *panels.Alert
	for i := range rec.Alerts {
		if rec.Alerts[i].Kind == panels.AlertNPlusOne {
			found = &rec.Alerts[i]
		}
	}
	if found == nil || len(found.Queries) != 6 {
		t.Fatalf("alerts %+v, want an N+1 of the 6 author queries", rec.Alerts)
	}

	t.Run("Check names the alert with its site, and the queries", func(t *testing.T) {
		bt := budgetRun(func(t testing.TB) { budget.Check(t, rec, budget.MaxQueries(5), budget.No(panels.AlertNPlusOne)) })
		if len(bt.errors) != 1 {
			t.Fatalf("reported %q", bt.errors)
		}
		msg := bt.errors[0]
		for _, want := range []string{"GET /posts", "7 queries, want at most 5", "n_plus_one: ", "6× select name from authors where id = ?"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the message lacks %q:\n%s", want, msg)
			}
		}
		if !containsAny(msg, storeSites(t)) {
			t.Errorf("the message names none of %q:\n%s", storeSites(t), msg)
		}
	})
	t.Run("the JOIN keeps to the same budget", func(t *testing.T) {
		rec := r.Serve(t, s.routes(), httptest.NewRequest("GET", "/posts/joined", nil))
		budget.Check(t, rec, budget.MaxQueries(1), budget.No(panels.AlertNPlusOne, panels.AlertDuplicate))
	})
}

func TestBudgetConstantQueriesFailsOnTheNPlusOneAndPassesTheJOIN(t *testing.T) {
	s := newBookStore(t)
	seed := func(n int) { s.seed(t, n) }

	bt := budgetRun(func(bt testing.TB) {
		budget.ConstantQueries(bt, s.routes(), httptest.NewRequest("GET", "/posts", nil), seed)
	})
	if len(bt.errors) != 1 || bt.fatal != "" {
		t.Fatalf("reported %q (fatal %q)", bt.errors, bt.fatal)
	}
	msg := bt.errors[0]
	for _, want := range []string{
		"GET /posts: the queries grow with the data (3 queries at n=2, 6 queries at n=5, 11 queries at n=10); 1 shape grew:",
		"select name from authors where id = ?\n      ran 2 at n=2, 5 at n=5, 10 at n=10: +1 per item",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	if !containsAny(msg, storeSites(t)) {
		t.Errorf("the message names none of %q:\n%s", storeSites(t), msg)
	}

	budget.ConstantQueries(t, s.routes(), httptest.NewRequest("GET", "/posts/joined", nil), seed)
}
