package panels_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// t0 is when every fixture request starts.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// event is a hand-made sqltrace.Event starting at ms into the request.
func event(kind sqltrace.Kind, ms float64, d time.Duration, tx uint64, sql string, args ...any) sqltrace.Event {
	return sqltrace.Event{Kind: kind, SQL: sql, Args: args, Start: t0.Add(time.Duration(ms * float64(time.Millisecond))),
		Duration: d, Rows: -1, TxID: tx, ConnID: 1}
}

// realisticRecord is a blog's post list as an app with the usual problems
// records it: a transaction, an N+1 over authors, a duplicate, a slow
// query, a failed one, cache traffic and spans. Its indexes are fixed:
//
//	0 posts list, 1..6 authors N+1, 7..8 duplicate settings, 9 begin,
//	10 insert, 11 update, 12 commit, 13 slow search, 14 failed insert,
//	15 prepare
func realisticRecord() *panels.Record {
	r := &panels.Record{
		ID: "0c9a3c7e-5d1f-4a8e-9b3a-2f1d6c7e8a90", Start: t0, Duration: 180 * time.Millisecond,
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
		e := event(sqltrace.KindQuery, ms, d, 0, sql, args...)
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
	insert := event(sqltrace.KindExec, 20.5, 800*time.Microsecond, 1, "INSERT INTO page_views (post_id, viewed_at) VALUES (?, ?)", int64(7), t0)
	insert.Rows = 1
	update := event(sqltrace.KindExec, 21.5, 600*time.Microsecond, 1, "UPDATE posts SET views = views + 1 WHERE id = ?", int64(7))
	update.Rows = 1
	events = append(events,
		event(sqltrace.KindBegin, 20, 100*time.Microsecond, 1, ""),
		insert, update,
		event(sqltrace.KindCommit, 22.5, 300*time.Microsecond, 1, ""),
		q(30, 120*time.Millisecond, 3, "SELECT p.id, ts_rank(p.search, q) AS rank FROM posts p, plainto_tsquery($1) q WHERE p.search @@ q ORDER BY rank DESC", "golang generics"),
	)
	failed := event(sqltrace.KindExec, 155, time.Millisecond, 0, "INSERT INTO audit (user_id, action) VALUES (?, ?)", nil, "view")
	failed.Err = errors.New(`NOT NULL constraint failed: audit.user_id`)
	events = append(events, failed, event(sqltrace.KindPrepare, 157, 100*time.Microsecond, 0, "SELECT 1"))
	r.Queries = queriesOf(t0, events...)

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
	r.Alerts = analyze(r, panels.Thresholds{})
	return r
}

// manyQueries is a record of n queries of a dozen realistic shapes, an
// N+1 and duplicates among them, spread over a 900 ms request.
func manyQueries(n int) *panels.Record {
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
	r := &panels.Record{ID: "bench", Start: t0, Duration: 900 * time.Millisecond, Request: panels.Request{Method: "GET", Path: "/feed"}}
	events := make([]sqltrace.Event, 0, n)
	for i := range n {
		sql := shapes[i%len(shapes)]
		kind := sqltrace.KindQuery
		if sql[0] != 'S' {
			kind = sqltrace.KindExec
		}
		e := event(kind, float64(i)*0.85, time.Duration(50+i%37*20)*time.Microsecond, 0, sql, int64(i%50), fmt.Sprintf("value-%d", i%7))
		e.Rows = int64(i % 20)
		events = append(events, e)
	}
	r.Queries = queriesOf(t0, events...)
	r.Alerts = analyze(r, panels.Thresholds{})
	return r
}

// analyze finishes r and returns its alerts.
func analyze(r *panels.Record, th panels.Thresholds) []panels.Alert {
	r.Finish(th)
	return r.Alerts
}

// queriesOf is the record's form of events of a request started at start:
// transactions numbered as their TxIDs, one connection.
func queriesOf(start time.Time, events ...sqltrace.Event) []panels.Query {
	out := make([]panels.Query, len(events))
	for i := range events {
		out[i] = panels.NewQuery(&events[i], start)
		out[i].Tx, out[i].Conn = int32(events[i].TxID), 1
	}
	return out
}

// withStacks appends events to r's queries, each distinct call stack kept
// once in r.Stacks, as the toolbar records them.
func withStacks(r *panels.Record, events ...sqltrace.Event) {
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

// summaries are the records' summaries, as the history lists them.
func summaries(recs ...*panels.Record) []panels.Summary {
	out := make([]panels.Summary, len(recs))
	for i, r := range recs {
		out[i] = r.Summary()
	}
	return out
}
