package toolbartest_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// discardWriter is a ResponseWriter that keeps nothing, so the figures are
// the middleware's own.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkDenied compares a request the allowlist refuses with the bare
// handler: the toolbar's whole cost for everyone it does not observe.
func BenchmarkDenied(b *testing.B) {
	tb, err := toolbar.New(toolbar.Config{})
	if err != nil {
		b.Fatal(err)
	}
	page := []byte("<html><body>hello</body></html>")
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(page) })
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"path=bare", bare}, {"path=denied", tb.Middleware(bare)}} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/posts/1", nil)
			r.RemoteAddr = "203.0.113.7:52000"
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkObservedPage compares an HTML page of 100 KB that runs 20
// queries, bare and observed (recorded, analysed, injected, kept in the
// history): on SQLite, and on an in-memory driver that isolates the
// toolbar's own cost from the database's noise.
func BenchmarkObservedPage(b *testing.B) {
	b.Run("db=sqlite", func(b *testing.B) {
		db, err := sqltrace.Open("sqlite", filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c')`); err != nil {
			b.Fatal(err)
		}
		benchPage(b, db)
	})
	b.Run("db=memory", func(b *testing.B) {
		db := sqltrace.OpenDB(&memdb.Connector{})
		defer db.Close()
		benchPage(b, db)
	})
	// The same queries on a page of 60 bytes: the toolbar's cost without
	// the page's size (holding it, finding its end).
	b.Run("db=memory,page=small", func(b *testing.B) {
		db := sqltrace.OpenDB(&memdb.Connector{})
		defer db.Close()
		benchPageOf(b, db, []byte("<!doctype html><html><body><p>small</p></body></html>"))
	})
}

func benchPage(b *testing.B, db *sql.DB) {
	benchPageOf(b, db, []byte("<!doctype html><html><body>"+strings.Repeat("<p>lorem ipsum dolor sit amet</p>\n", 100<<10/35)+"</body></html>"))
}

func benchPageOf(b *testing.B, db *sql.DB, page []byte) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 20 {
			var v string
			if err := db.QueryRowContext(r.Context(), "SELECT v FROM t WHERE id = ?", i%3+1).Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	benchBareAndObserved(b, h, "/")
}

// benchBareAndObserved serves GET path from a loopback client, with h
// bare and behind a toolbar with the default config, one sub-benchmark
// each, into a body buffer reused across requests.
func benchBareAndObserved(b *testing.B, h http.Handler, path string) {
	tb, err := toolbar.New(toolbar.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"path=bare", h}, {"path=observed", tb.Middleware(h)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var body bytes.Buffer
			for b.Loop() {
				r := httptest.NewRequestWithContext(context.Background(), "GET", path, nil)
				r.RemoteAddr = "127.0.0.1:52000"
				w := httptest.NewRecorder()
				w.Body = &body
				body.Reset()
				c.h.ServeHTTP(w, r)
			}
		})
	}
}
