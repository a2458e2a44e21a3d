// Package storetest tests history stores: a finished record that uses
// every part of the JSON encoding, and the behaviour every toolbar.Store
// shares (round trip, order, trimming, misses, several store values on one
// history), run against each implementation from its own tests.
package storetest

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// hexID is a marker type whose values a record keeps as text, with its
// type's name.
type hexID uint32

func (h hexID) String() string { return fmt.Sprintf("%#x", uint32(h)) }

// Record returns a finished record with the id, starting at start, with
// max(queries, 20) database operations: a fixed 20 (an N+1, a duplicate,
// a transaction, slow, failed, unclosed and context-less queries, a
// prepare, an acquire), then distinct selects. It holds arguments of every type the encoding knows
// (NULL, integers, floats with NaN and infinities, booleans, text with
// HTML and non-ASCII characters, bytes, times in several zones, named
// arguments, a type kept as text), stacks shared by several operations,
// cache events, spans, unattributed queries, a redirect, a request body
// with a file, late events, and the alerts Finish raised.
func Record(id string, start time.Time, queries int) *panels.Record {
	r := &panels.Record{
		ID: id, Start: start, Duration: 183*time.Millisecond + 417*time.Nanosecond,
		Request: panels.Request{
			Method: "POST", URL: "/posts/7/comments?draft=1&q=%3Cb%3E", Path: "/posts/7/comments", Route: "/posts/{id}/comments",
			RemoteAddr: "127.0.0.1:52144", Proto: "HTTP/1.1", Host: "localhost:8080",
			Header: http.Header{
				"Accept":        {"text/html", "application/xhtml+xml"},
				"Authorization": {"[redacted]"},
				"User-Agent":    {"Mozilla/5.0 (X11; Linux x86_64)"},
			},
			Query: url.Values{"draft": {"1"}, "q": {"<b>"}},
			Form:  url.Values{"body": {"Grüße & <script>alert(1)</script>\n"}, "password": {"[redacted]"}},
			Body: panels.RequestBody{
				ContentType: "multipart/form-data; boundary=x", Read: 2048, Truncated: true,
				Files: []panels.FormFile{{Field: "avatar", Filename: "me.png", ContentType: "image/png", Size: 1024}},
			},
			Cookies: []panels.Cookie{{Name: "session", Value: "[redacted]"}, {Name: "theme", Value: "dark"}},
		},
		Response: panels.Response{
			Status: 303, Size: 0, ContentType: "text/html; charset=utf-8", NotInjected: "a redirect",
			Header: http.Header{"Location": {"/posts/7"}, "X-Debug-Token": {id}},
			CSP:    []string{"header: added 'nonce-abc' to script-src"},
		},
		RedirectedFrom: []panels.Redirect{{ID: "11111111-2222-4333-8444-555555555555", Method: "POST", URL: "/login", Status: 303}},
		Panic:          "runtime error: index out of range [3] with length 3",
		QueriesDropped: 2, StatementsDropped: 1,
		CacheDropped: 1, SpansDropped: 1,
		UnattributedCount: 3, UnattributedTime: 4 * time.Millisecond,
	}
	app := panels.NewStack([]panels.Frame{
		{Function: "example.com/blog/store.(*Posts).List", File: "/src/blog/store/posts.go", Line: 42},
		{Function: "example.com/blog/web.listPosts", File: "/src/blog/web/posts.go", Line: 17},
	})
	loop := panels.NewStack([]panels.Frame{{Function: "example.com/blog/store.(*Authors).Get", File: "/src/blog/store/authors.go", Line: 9}})
	empty := panels.NewStack([]panels.Frame{})
	r.Stacks = []*panels.Stack{app, loop, empty}

	paris := time.FixedZone("", 2*60*60)
	kathmandu := time.FixedZone("", 5*60*60+45*60)
	at := func(ms float64) time.Time { return start.Add(time.Duration(ms * float64(time.Millisecond))) }
	var conn int32 = 1
	add := func(e sqltrace.Event, tx int32, stack int32) {
		q := panels.NewQuery(&e, start)
		q.Tx, q.Conn, q.Stack = tx, conn, stack
		r.Queries = append(r.Queries, q)
	}
	ev := func(kind sqltrace.Kind, ms float64, d time.Duration, rows int64, sql string, args ...any) sqltrace.Event {
		return sqltrace.Event{Kind: kind, SQL: sql, Args: args, Start: at(ms), Duration: d, Rows: rows}
	}
	add(ev(sqltrace.KindQuery, 1, 3*time.Millisecond, 20,
		"SELECT id, title FROM posts WHERE published = ? AND score > ? AND deleted_at IS ? ORDER BY created_at DESC LIMIT ?",
		true, 1.5, nil, int64(20)), 0, 0)
	for i := range 6 { // an N+1
		add(ev(sqltrace.KindQuery, 5+float64(i), 400*time.Microsecond, 1, "SELECT id, name FROM authors WHERE id = ?", int64(i+1)), 0, 1)
	}
	for range 2 { // a duplicate
		add(ev(sqltrace.KindQuery, 12, 200*time.Microsecond, 1, "SELECT value FROM settings WHERE key = 'theme'"), 0, 0)
	}
	add(ev(sqltrace.KindBegin, 20, 100*time.Microsecond, -1, ""), 1, -1)
	add(ev(sqltrace.KindExec, 20.5, 800*time.Microsecond, 1,
		"INSERT INTO comments (post_id, body, avatar, created_at, edited_at, ratio, flags, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		int64(math.MinInt64), "Grüße & <script>alert(1)</script>\n\t\"quoted\"", []byte{0, 1, 2, 0xfe, 0xff},
		time.Date(2025, 3, 14, 15, 9, 26, 123456789, paris), time.Date(1969, 12, 31, 23, 59, 59, 1, time.UTC),
		math.Inf(-1), false, hexID(0xbeef)), 1, 0)
	add(ev(sqltrace.KindExec, 21.5, 600*time.Microsecond, 1, "UPDATE posts SET ratio = :ratio, seen = :seen WHERE id = :id",
		sql.Named("ratio", math.NaN()), sql.Named("seen", time.Date(2025, 1, 2, 3, 4, 5, 0, kathmandu)), sql.Named("id", int64(math.MaxInt64))), 1, 0)
	add(ev(sqltrace.KindCommit, 22.5, 300*time.Microsecond, -1, ""), 1, -1)
	conn = 2
	slow := ev(sqltrace.KindQuery, 30, 140*time.Millisecond, 3, "SELECT p.id FROM posts p WHERE p.search @@ plainto_tsquery($1)", "golang generics")
	slow.SQLTruncated = true
	add(slow, 0, 2)
	failed := ev(sqltrace.KindExec, 175, time.Millisecond, -1, "INSERT INTO audit (user_id, action) VALUES (?, ?)", nil, "view")
	failed.Err = errors.New(`NOT NULL constraint failed: audit.user_id`)
	failed.ArgsTruncated = true
	add(failed, 0, 0)
	noctx := ev(sqltrace.KindQuery, 176, 50*time.Microsecond, 0, "SELECT count(*) FROM notifications WHERE user_id = ?", int64(-1))
	noctx.NoContext, noctx.Unclosed = true, true
	add(noctx, 0, 0)
	add(ev(sqltrace.KindPrepare, 177, 100*time.Microsecond, -1, "SELECT 1"), 0, -1)
	add(ev(sqltrace.KindAcquire, 0.5, 10*time.Microsecond, -1, ""), 0, -1)
	// Arguments set directly, as a store decoding a record does.
	rb := panels.NewQuery(&sqltrace.Event{Kind: sqltrace.KindExec, SQL: "DELETE FROM drafts WHERE id IN (?, ?) AND owner = ?", Start: at(178), Duration: time.Millisecond, Rows: 2}, start)
	rb.Conn, rb.Stack = conn, 0
	rb.SetArgs([]panels.Arg{{Value: int64(0)}, {Value: math.Inf(1)}, {Name: "owner", Type: "main.UserID", Value: "u-42"}, {Value: []byte{}}, {Value: ""}})
	r.Queries = append(r.Queries, rb)
	add(ev(sqltrace.KindRollback, 179, 100*time.Microsecond, -1, ""), 2, -1)
	for i := len(r.Queries); i < queries; i++ {
		add(ev(sqltrace.KindQuery, 180+float64(i)/1000, 20*time.Microsecond, 1,
			fmt.Sprintf("SELECT t%d.id, t%d.name, t%d.created_at FROM table_%d t%d WHERE t%d.id = ? AND t%d.kind = ?", i, i, i, i, i, i, i),
			int64(i), fmt.Sprintf("kind-%d", i%7)), 0, int32(i%2))
	}

	r.Unattributed = []panels.Query{panels.NewQuery(&sqltrace.Event{
		Kind: sqltrace.KindQuery, SQL: "SELECT id FROM jobs WHERE state = ?", Args: []any{"ready"},
		Start: at(50), Duration: 4 * time.Millisecond, Rows: 0,
	}, start)}
	r.Cache = []panels.CacheEvent{
		{Op: "get", Key: "posts:page:2", Backend: "redis", Read: true, Start: time.Millisecond, Duration: 300 * time.Microsecond, Stack: 0},
		{Op: "set", Key: "posts:page:2", Backend: "redis", Start: 160 * time.Millisecond, Duration: 400 * time.Microsecond, Stack: -1},
		{Op: "get", Key: "user:42", Backend: "memory", Read: true, Hit: true, Start: 161 * time.Millisecond, Duration: 100 * time.Microsecond, Stack: 1},
		{Op: "get", Key: "flags", Read: true, Start: 162 * time.Millisecond, Duration: 5 * time.Millisecond, Err: "i/o timeout", Stack: 2},
	}
	r.Spans = []panels.Span{
		{Name: "render posts.html", Start: 150 * time.Millisecond, Duration: 20 * time.Millisecond, Stack: 0},
		{Name: "GET https://api.example.com/weather", Start: 40 * time.Millisecond, Duration: 90 * time.Millisecond, Err: "context deadline exceeded", Stack: -1},
	}
	r.Finish(panels.Thresholds{})
	r.AddLate()
	r.AddLate()
	return r
}

// MustEqual fails the test unless two records encode to the same JSON,
// byte for byte, and shows where they part.
func MustEqual(t *testing.T, got, want *panels.Record) {
	t.Helper()
	g, err := got.MarshalJSON()
	if err != nil {
		t.Fatalf("encode the record read back: %v", err)
	}
	w, err := want.MarshalJSON()
	if err != nil {
		t.Fatalf("encode the record added: %v", err)
	}
	if bytes.Equal(g, w) {
		return
	}
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-80)
	t.Fatalf("the record read back differs from the one added at byte %d of %d:\n got: …%s…\nwant: …%s…",
		i, len(w), g[from:min(len(g), i+80)], w[from:min(len(w), i+80)])
}
