package sqltracetest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	_ "modernc.org/sqlite"
)

// discard is the cheapest recorder, so the figures are the wrapper's own
// cost.
var discard = sqltrace.RecorderFunc(func(sqltrace.Event) {})

// benchQueries runs one query reading its rows per iteration, on the raw
// driver and through the wrapper: without a recorder, with one, and with
// one plus caller capture; and without a recorder in the context while a
// request is followed elsewhere (the lookup's cost) and on a followed
// goroutine (attributed by goroutine, with its caller). Compare with
// benchstat -col /path.
func benchQueries(b *testing.B, open func(b *testing.B, opts ...sqltrace.Option) *sql.DB, raw *sql.DB, query string, args ...any) {
	// A Capture keeps every event, as a test's does; it is emptied every
	// 1,000 queries, so the figure is a test's, not that of a list growing
	// for the whole run.
	captured, got := sqltrace.Capture(context.Background())
	n := 0
	reset := func() {
		if n++; n%1000 == 0 {
			got.Reset()
		}
	}
	cases := []struct {
		name string
		db   *sql.DB
		ctx  context.Context
	}{
		{"path=raw", raw, context.Background()},
		{"path=wrapped", open(b), context.Background()},
		{"path=recorded", open(b, sqltrace.WithoutCallers()), sqltrace.WithRecorder(context.Background(), discard)},
		{"path=recorded+caller", open(b), sqltrace.WithRecorder(context.Background(), discard)},
		{"path=captured+caller", open(b), captured},
	}
	cases = append(cases, struct {
		name string
		db   *sql.DB
		ctx  context.Context
	}{"path=nocontext+followed-elsewhere", open(b), context.Background()})
	for _, c := range cases {
		if c.name == "path=nocontext+followed-elsewhere" {
			// A request followed on another goroutine: this one is not its.
			started, end, ended := make(chan struct{}), make(chan struct{}), make(chan struct{})
			go func() {
				_, stop := sqltrace.Follow(context.Background(), "elsewhere", discard)
				close(started)
				<-end
				stop()
				close(ended)
			}()
			<-started
			defer func() { close(end); <-ended }()
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				reset()
				rows, err := c.db.QueryContext(c.ctx, query, args...)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("path=nocontext+followed", func(b *testing.B) {
		db := open(b)
		_, stop := sqltrace.Follow(context.Background(), "here", discard)
		defer stop()
		b.ReportAllocs()
		for b.Loop() {
			rows, err := db.Query(query, args...)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			if err := rows.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkQuery(b *testing.B) {
	b.Run("driver=memory", func(b *testing.B) {
		open := func(b *testing.B, opts ...sqltrace.Option) *sql.DB {
			db := sqltrace.OpenDB(&memdb.Connector{}, opts...)
			b.Cleanup(func() { db.Close() })
			return db
		}
		raw := sql.OpenDB(&memdb.Connector{})
		defer raw.Close()
		benchQueries(b, open, raw, "SELECT n FROM t WHERE id = ?", 1)
	})
	b.Run("driver=sqlite", func(b *testing.B) {
		dsn := filepath.Join(b.TempDir(), "bench.db")
		raw, err := sql.Open("sqlite", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`); err != nil {
			b.Fatal(err)
		}
		open := func(b *testing.B, opts ...sqltrace.Option) *sql.DB {
			db, err := sqltrace.Open("sqlite", dsn, opts...)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}
		b.Run("query=rows", func(b *testing.B) { benchQueries(b, open, raw, "SELECT id, name FROM t WHERE id >= ?", 1) })
		b.Run("query=point", func(b *testing.B) { benchQueries(b, open, raw, "SELECT id, name FROM t WHERE id = ?", 1) })
	})
}
