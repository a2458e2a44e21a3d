// Package recordtest holds the records the tests of panels and of the
// toolbar's renderer share: hand-made requests with the usual problems,
// and the helpers that build them as the toolbar records them. It is for
// tests only.
package recordtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// T0 is when every fixture request starts.
var T0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// Event is a hand-made sqltrace.Event starting at ms into the request.
func Event(kind sqltrace.Kind, ms float64, d time.Duration, tx uint64, sql string, args ...any) sqltrace.Event {
	return sqltrace.Event{Kind: kind, SQL: sql, Args: args, Start: T0.Add(time.Duration(ms * float64(time.Millisecond))),
		Duration: d, Rows: -1, TxID: tx, ConnID: 1}
}

// Realistic is a blog's post list as an app with the usual problems
// records it: a transaction, an N+1 over authors, a duplicate, a slow
// query, a failed one, cache traffic and spans. Its indexes are fixed:
//
//	0 posts list, 1..6 authors N+1, 7..8 duplicate settings, 9 begin,
//	10 insert, 11 update, 12 commit, 13 slow search, 14 failed insert,
//	15 prepare
func Realistic() *panels.Record {
	r := &panels.Record{
		ID: "0c9a3c7e-5d1f-4a8e-9b3a-2f1d6c7e8a90", Start: T0, Duration: 180 * time.Millisecond,
		Request: panels.Request{
			Method: "GET", URL: "/posts?page=2&tag=go", Path: "/posts", Route: "/posts",
			RemoteAddr: "127.0.0.1:52144", Proto: "HTTP/1.1", Host: "localhost:8080",
			Header: http.Header{
				"Accept":        {"text/html"},
				"Authorization": {"[redacted]"},
				"User-Agent":    {"Mozilla/5.0"},
			},
			Query:   url.Values{"page": {"2"}, "tag": {"go"}},
			Cookies: []panels.Cookie{{Name: "session", Value: "[redacted]"}, {Name: "theme", Value: "dark"}},
		},
		Response: panels.Response{
			Status: 200, Size: 18_432, ContentType: "text/html; charset=utf-8", Injected: true,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "X-Debug-Token": {"0c9a3c7e"}},
		},
	}
	var events []sqltrace.Event
	q := func(ms float64, d time.Duration, rows int64, sql string, args ...any) sqltrace.Event {
		e := Event(sqltrace.KindQuery, ms, d, 0, sql, args...)
		e.Rows = rows
		return e
	}
	events = append(events, q(2, 3*time.Millisecond, 20,
		"SELECT id, title, author_id, created_at FROM posts WHERE published = true ORDER BY created_at DESC LIMIT ? OFFSET ?", int64(20), int64(20)))
	for i := range 6 {
		events = append(events, q(6+float64(i), 400*time.Microsecond, 1, "SELECT id, name FROM authors WHERE id = ?", int64(i+1)))
	}
	for i := range 2 {
		events = append(events, q(13+float64(i), 200*time.Microsecond, 1, "SELECT value FROM settings WHERE key = 'theme'"))
	}
	insert := Event(sqltrace.KindExec, 20.5, 800*time.Microsecond, 1, "INSERT INTO page_views (post_id, viewed_at) VALUES (?, ?)", int64(7), T0)
	insert.Rows = 1
	update := Event(sqltrace.KindExec, 21.5, 600*time.Microsecond, 1, "UPDATE posts SET views = views + 1 WHERE id = ?", int64(7))
	update.Rows = 1
	events = append(events,
		Event(sqltrace.KindBegin, 20, 100*time.Microsecond, 1, ""),
		insert, update,
		Event(sqltrace.KindCommit, 22.5, 300*time.Microsecond, 1, ""),
		q(30, 120*time.Millisecond, 3, "SELECT p.id, ts_rank(p.search, q) AS rank FROM posts p, plainto_tsquery($1) q WHERE p.search @@ q ORDER BY rank DESC", "golang generics"),
	)
	failed := Event(sqltrace.KindExec, 155, time.Millisecond, 0, "INSERT INTO audit (user_id, action) VALUES (?, ?)", nil, "view")
	failed.Err = errors.New(`NOT NULL constraint failed: audit.user_id`)
	events = append(events, failed, Event(sqltrace.KindPrepare, 157, 100*time.Microsecond, 0, "SELECT 1"))
	r.Queries = QueriesOf(T0, events...)

	r.Cache = []panels.CacheEvent{
		{Op: "get", Key: "posts:page:2", Read: true, Hit: false, Start: time.Millisecond, Duration: 300 * time.Microsecond, Backend: "redis", Stack: -1},
		{Op: "set", Key: "posts:page:2", Start: 160 * time.Millisecond, Duration: 400 * time.Microsecond, Backend: "redis", Stack: -1},
		{Op: "get", Key: "user:42", Read: true, Hit: true, Start: 161 * time.Millisecond, Duration: 100 * time.Microsecond, Backend: "memory", Stack: -1},
		{Op: "get", Key: "flags", Read: true, Start: 162 * time.Millisecond, Duration: 5 * time.Millisecond, Backend: "redis", Err: "i/o timeout", Stack: -1},
	}
	r.Spans = []panels.Span{
		{Name: "GET pricing service", Start: 40 * time.Millisecond, Duration: 90 * time.Millisecond, Stack: -1},
		{Name: "render posts.html", Start: 165 * time.Millisecond, Duration: 12 * time.Millisecond, Stack: -1},
	}
	r.Alerts = Analyze(r, panels.Thresholds{})
	return r
}

// Recorded is Realistic with two more queries (16 and 17) recorded
// through sqltrace against memdb, so that they have real call stacks (from
// this file), its first cache call sharing their stack, and one late
// event; finished.
func Recorded(tb testing.TB) *panels.Record {
	tb.Helper()
	r := Realistic()
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	ctx, got := sqltrace.Capture(context.Background())
	for range 2 {
		rows, err := db.QueryContext(ctx, "SELECT n FROM t WHERE id = ?", 1)
		if err != nil {
			tb.Fatal(err)
		}
		rows.Close()
	}
	WithStacks(r, got.Events()...)
	r.Cache[0].Stack = 0
	r.AddLate()
	r.Finish(panels.Thresholds{})
	return r
}

// ManyQueries is a record of n queries of a dozen realistic shapes, an
// N+1 and duplicates among them, spread over a 900 ms request.
func ManyQueries(n int) *panels.Record {
	shapes := []string{
		"SELECT id, title, body, author_id, created_at, updated_at FROM posts WHERE id = ?",
		"SELECT u.id, u.name, u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1 AND u.deleted_at IS NULL ORDER BY u.name LIMIT 50",
		"SELECT count(*) FROM comments WHERE post_id = ? AND status = 'approved'",
		"INSERT INTO events (kind, payload, created_at) VALUES (?, ?, ?) RETURNING id",
		"UPDATE posts SET view_count = view_count + 1, updated_at = now() WHERE id = $1",
		"SELECT t.name FROM tags t INNER JOIN post_tags pt ON pt.tag_id = t.id WHERE pt.post_id IN (SELECT id FROM posts WHERE author_id = ? ORDER BY created_at DESC LIMIT 10) GROUP BY t.name HAVING count(*) > 1",
		"DELETE FROM sessions WHERE expires_at < ? -- cleanup",
		`SELECT "p"."id", "p"."slug" FROM "posts" AS "p" WHERE "p"."slug" = :slug`,
	}
	r := &panels.Record{ID: "bench", Start: T0, Duration: 900 * time.Millisecond, Request: panels.Request{Method: "GET", Path: "/feed"}}
	events := make([]sqltrace.Event, 0, n)
	for i := range n {
		sql := shapes[i%len(shapes)]
		kind := sqltrace.KindQuery
		if sql[0] != 'S' {
			kind = sqltrace.KindExec
		}
		e := Event(kind, float64(i)*0.85, time.Duration(50+i%37*20)*time.Microsecond, 0, sql, int64(i%50), fmt.Sprintf("value-%d", i%7))
		e.Rows = int64(i % 20)
		events = append(events, e)
	}
	r.Queries = QueriesOf(T0, events...)
	r.Alerts = Analyze(r, panels.Thresholds{})
	return r
}

// Stray is a finished record of the queries the toolbar finds out of
// place: one run without the request's context (index 0), one whose rows
// were never closed (index 2), and 3 unattributed ones (one kept) that
// took 4 ms of the request's 10 ms.
func Stray() *panels.Record {
	noCtx := Query("SELECT title FROM feeds", time.Millisecond)
	noCtx.NoContext = true
	unclosed := Query("SELECT id FROM posts", time.Millisecond)
	unclosed.Unclosed = true
	worker := Query("UPDATE jobs SET done = true", 4*time.Millisecond)
	worker.Start = time.Millisecond
	r := &panels.Record{
		Start: T0, Duration: 10 * time.Millisecond,
		Queries:           []panels.Query{noCtx, Query("SELECT 1", 0), unclosed},
		Unattributed:      []panels.Query{worker},
		UnattributedCount: 3,
		UnattributedTime:  4 * time.Millisecond,
	}
	r.Finish(panels.Thresholds{})
	return r
}

// Outside is the finished entry for work outside any request: the same
// job run six times without a context, with two ids, which in a request
// would be duplicates and an N+1.
func Outside() *panels.Record {
	var jobs []panels.Query
	for i := range 6 {
		q := Query("UPDATE jobs SET done = true WHERE id = ?", time.Millisecond, int64(i%2))
		q.NoContext = true
		jobs = append(jobs, q)
	}
	r := &panels.Record{Outside: true, Queries: jobs}
	r.Finish(panels.Thresholds{})
	return r
}

// Analyze finishes r and returns its alerts.
func Analyze(r *panels.Record, th panels.Thresholds) []panels.Alert {
	r.Finish(th)
	return r.Alerts
}

// QueriesOf is the record's form of events of a request started at start:
// transactions numbered as their TxIDs, one connection.
func QueriesOf(start time.Time, events ...sqltrace.Event) []panels.Query {
	out := make([]panels.Query, len(events))
	for i := range events {
		out[i] = panels.NewQuery(&events[i], start)
		out[i].Tx, out[i].Conn = int32(events[i].TxID), 1
	}
	return out
}

// Query is a query of sql, with args, that took d, outside any
// transaction.
func Query(sql string, d time.Duration, args ...any) panels.Query {
	return QueriesOf(time.Time{}, sqltrace.Event{Kind: sqltrace.KindQuery, SQL: sql, Args: args, Duration: d})[0]
}

// WithStacks appends events to r's queries, each distinct call stack kept
// once in r.Stacks, as the toolbar records them.
func WithStacks(r *panels.Record, events ...sqltrace.Event) {
	stacks := map[sqltrace.Callers]int32{}
	for i := range events {
		q := panels.NewQuery(&events[i], r.Start)
		q.Tx, q.Conn = int32(events[i].TxID), 1
		if c := events[i].Callers(); c != (sqltrace.Callers{}) {
			s, ok := stacks[c]
			if !ok {
				s = int32(len(r.Stacks))
				r.Stacks = append(r.Stacks, panels.StackOf(c))
				stacks[c] = s
			}
			q.Stack = s
		}
		r.Queries = append(r.Queries, q)
	}
}

// Summaries are the records' summaries, as the history lists them.
func Summaries(recs ...*panels.Record) []panels.Summary {
	out := make([]panels.Summary, len(recs))
	for i, r := range recs {
		out[i] = r.Summary()
	}
	return out
}
