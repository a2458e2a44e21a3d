//go:build !nodebugtoolbar

package budget_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/budget"
)

// reporter is a testing.TB that keeps what a helper reports, so a test can
// check a failure's message. Fatal stops the helper as t.Fatal would,
// through run.
type reporter struct {
	testing.TB
	errors  []string
	fatal   string
	skipped string
}

type stopped struct{}

func (r *reporter) Helper()           {}
func (r *reporter) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *reporter) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *reporter) Fatalf(format string, a ...any) {
	r.fatal = fmt.Sprintf(format, a...)
	panic(stopped{})
}
func (r *reporter) Skip(args ...any)                { r.skipped = fmt.Sprint(args...); panic(stopped{}) }
func (r *reporter) Failed() bool                    { return len(r.errors) > 0 || r.fatal != "" }
func (r *reporter) Logf(format string, args ...any) {}

// run calls f with a reporter and returns it once f returned or stopped.
func run(f func(t testing.TB)) (r *reporter) {
	r = &reporter{}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stopped); !ok {
				panic(p)
			}
		}
	}()
	f(r)
	return r
}

// blog is a handler over an in-memory database whose every query returns
// the rows 1, 2, 3: a list of posts, then one author query per post (an
// N+1), unless joined is set.
type blog struct {
	db     *sql.DB
	joined bool
	// perPost is how many posts the page lists when set (seeded), else
	// the 3 rows of the list query.
	perPost int
}

// authorLine is the line of the author query, for checking sites.
var authorLine int

func newBlog(t testing.TB) *blog {
	db := sql.OpenDB(sqltrace.WrapConnector(&memdb.Connector{Shape: memdb.Full}))
	t.Cleanup(func() { db.Close() })
	return &blog{db: db}
}

func (b *blog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if b.joined {
		rows, err := b.db.QueryContext(ctx, "SELECT p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id LIMIT ?", b.perPost)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		rows.Close()
		fmt.Fprint(w, "<!doctype html><html><body>posts</body></html>")
		return
	}
	ids := []int64{}
	rows, err := b.db.QueryContext(ctx, "SELECT id FROM posts")
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if b.perPost > 0 {
		ids = ids[:0]
		for i := range b.perPost {
			ids = append(ids, int64(i+1))
		}
	}
	for _, id := range ids {
		var name string
		_, _, authorLine, _ = runtime.Caller(0)
		b.db.QueryRowContext(ctx, "SELECT name FROM authors WHERE id = ?", id).Scan(&name) // authorLine+1
	}
	fmt.Fprint(w, "<!doctype html><html><body>posts</body></html>")
}

// nPlusOne is the N+1 detector set low enough for the blog's 3 posts.
var nPlusOne = budget.Runner{Config: toolbar.Config{Thresholds: panels.Thresholds{NPlusOne: 3}}}

func hasAlert(rec *panels.Record, kind panels.AlertKind) bool {
	for _, a := range rec.Alerts {
		if a.Kind == kind {
			return true
		}
	}
	return false
}

func TestServeReturnsTheFinishedRecordOfAHandlerWithoutTheMiddleware(t *testing.T) {
	b := newBlog(t)
	rec := nPlusOne.Serve(t, b, httptest.NewRequest("GET", "/posts?page=1", nil))
	if rec.Request.Method != "GET" || rec.Request.URL != "/posts?page=1" || rec.Response.Status != 200 {
		t.Errorf("record of %s %s, status %d", rec.Request.Method, rec.Request.URL, rec.Response.Status)
	}
	if rec.Stats.Statements != 4 || len(rec.Shapes) != 2 {
		t.Errorf("%d statements in %d shapes, want 4 in 2", rec.Stats.Statements, len(rec.Shapes))
	}
	if !hasAlert(rec, panels.AlertNPlusOne) {
		t.Errorf("no N+1 alert in %+v", rec.Alerts)
	}
}

func TestServeRecordsQueriesRunWithoutTheRequestsContext(t *testing.T) {
	b := newBlog(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int64
		b.db.QueryRow("SELECT count(*) FROM posts").Scan(&n) // no context
		var wg sync.WaitGroup
		wg.Go(func() { b.db.Exec("UPDATE posts SET seen = 1") }) // a goroutine the handler starts
		wg.Wait()
		w.WriteHeader(http.StatusNoContent)
	})
	rec := budget.Serve(t, h, httptest.NewRequest("POST", "/seen", nil))
	if rec.Stats.Statements != 2 || rec.Stats.Writes != 1 {
		t.Errorf("%d statements, %d writes, want 2 and 1", rec.Stats.Statements, rec.Stats.Writes)
	}
}

func TestServeRecordsAHandlerThatHasAToolbarOfItsOwnOnce(t *testing.T) {
	b := newBlog(t)
	own, err := toolbar.New(toolbar.Config{})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/posts", nil)
	req.RemoteAddr = "127.0.0.1:5000" // one the app's toolbar observes
	rec := nPlusOne.Serve(t, own.Middleware(b), req)
	if rec.Stats.Statements != 4 || !hasAlert(rec, panels.AlertNPlusOne) {
		t.Errorf("%d statements, alerts %+v; want the app's 4 and an N+1 (the runner's threshold)", rec.Stats.Statements, rec.Alerts)
	}
	if list, _ := own.History(t.Context()); len(list) != 0 {
		t.Errorf("the app's own toolbar recorded %d requests too", len(list))
	}
}

func TestServeFailsForARequestItDoesNotRecord(t *testing.T) {
	b := newBlog(t)
	r := run(func(t testing.TB) { budget.Serve(t, b, httptest.NewRequest("GET", "/__debug__/api/v1/requests", nil)) })
	if !strings.Contains(r.fatal, "was not recorded") {
		t.Errorf("fatal %q", r.fatal)
	}
}

func TestCheck(t *testing.T) {
	b := newBlog(t)
	rec := nPlusOne.Serve(t, b, httptest.NewRequest("GET", "/posts", nil))

	t.Run("passes a record within its rules", func(t *testing.T) {
		var ok bool
		r := run(func(t testing.TB) { ok = budget.Check(t, rec, budget.MaxQueries(4), budget.No(panels.AlertDuplicate)) })
		if !ok || len(r.errors) > 0 {
			t.Errorf("Check = %v, reported %q", ok, r.errors)
		}
	})
	t.Run("fails once naming each rule broken, the alert's site and the queries", func(t *testing.T) {
		var ok bool
		r := run(func(t testing.TB) { ok = budget.Check(t, rec, budget.MaxQueries(2), budget.No(panels.AlertNPlusOne)) })
		if ok || len(r.errors) != 1 {
			t.Fatalf("Check = %v, reported %q", ok, r.errors)
		}
		msg := r.errors[0]
		site := fmt.Sprintf("budget_test.go:%d (github.com/debugtoolbar/debugtoolbar/toolbar/budget_test.(*blog).ServeHTTP)", authorLine+1)
		for _, want := range []string{
			"budget: GET /posts:",
			"4 queries, want at most 2",
			"n_plus_one: ",
			"at " + site,
			"4 queries in 2 shapes:",
			"  3× select name from authors where id = ?",
			"  1× select id from posts",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("the message lacks %q:\n%s", want, msg)
			}
		}
	})
	t.Run("runs a rule of the test's own", func(t *testing.T) {
		noReads := budget.Rule(func(rec *panels.Record) error {
			if rec.Stats.Reads > 0 {
				return fmt.Errorf("%d reads\nsecond line", rec.Stats.Reads)
			}
			return nil
		})
		r := run(func(t testing.TB) { budget.Check(t, rec, noReads) })
		if len(r.errors) != 1 || !strings.Contains(r.errors[0], "\n    4 reads\n    second line\n") {
			t.Errorf("reported %q", r.errors)
		}
	})
}

func TestConstantQueries(t *testing.T) {
	t.Run("fails on an N+1, naming the shape that grew, by how much and where", func(t *testing.T) {
		b := newBlog(t)
		var seeded []int
		r := run(func(t testing.TB) {
			budget.ConstantQueries(t, b, httptest.NewRequest("GET", "/posts", nil), func(n int) { b.perPost = n; seeded = append(seeded, n) })
		})
		if fmt.Sprint(seeded) != "[2 5 10]" {
			t.Errorf("seeded %v, want the default scales", seeded)
		}
		if len(r.errors) != 1 {
			t.Fatalf("reported %q (fatal %q)", r.errors, r.fatal)
		}
		msg := r.errors[0]
		for _, want := range []string{
			"budget: GET /posts: the queries grow with the data (3 queries at n=2, 6 queries at n=5, 11 queries at n=10); 1 shape grew:",
			"select name from authors where id = ?\n      ran 2 at n=2, 5 at n=5, 10 at n=10: +1 per item",
			fmt.Sprintf("at budget_test.go:%d (", authorLine+1),
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("the message lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, "select id from posts") {
			t.Errorf("names a shape that did not grow:\n%s", msg)
		}
	})
	t.Run("passes a JOIN", func(t *testing.T) {
		b := newBlog(t)
		b.joined = true
		r := run(func(t testing.TB) {
			budget.ConstantQueries(t, b, httptest.NewRequest("GET", "/posts", nil), func(n int) { b.perPost = n })
		})
		if r.Failed() {
			t.Errorf("reported %q (fatal %q)", r.errors, r.fatal)
		}
	})
	t.Run("fails when the page fails at one scale", func(t *testing.T) {
		n := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n > 5 {
				w.WriteHeader(500)
			}
		})
		r := run(func(t testing.TB) {
			budget.Runner{Scales: []int{1, 10}}.ConstantQueries(t, h, httptest.NewRequest("GET", "/", nil), func(m int) { n = m })
		})
		if len(r.errors) != 1 || !strings.Contains(r.errors[0], "status 200, status 500") {
			t.Errorf("reported %q", r.errors)
		}
	})
	t.Run("gives every run the request's body", func(t *testing.T) {
		var bodies []string
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			bodies = append(bodies, r.PostForm.Get("q"))
		})
		req := httptest.NewRequest("POST", "/search", strings.NewReader("q=go"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r := run(func(t testing.TB) { budget.ConstantQueries(t, h, req, func(int) {}) })
		if r.Failed() || fmt.Sprint(bodies) != "[go go go]" {
			t.Errorf("bodies %q, reported %q (fatal %q)", bodies, r.errors, r.fatal)
		}
	})
	t.Run("needs two scales", func(t *testing.T) {
		r := run(func(t testing.TB) {
			budget.Runner{Scales: []int{3, 3}}.ConstantQueries(t, http.NotFoundHandler(), httptest.NewRequest("GET", "/", nil), func(int) {})
		})
		if !strings.Contains(r.fatal, "at least two different scales") {
			t.Errorf("fatal %q", r.fatal)
		}
	})
}
