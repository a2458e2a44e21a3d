package loadtest_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// The worst-case request: every statement distinct and longer than the
// SQL cap (sqltrace.DefaultMaxSQLLen, 64 KiB), every argument past its
// cap, every cache key and span name 1 KiB (kept whole: they have no cap),
// and twice what the toolbar keeps of each set of names and values (64 KiB
// each) in the request's headers, query and form and the response's
// headers.
const (
	worstSQLLen = sqltrace.DefaultMaxSQLLen + 1<<10
	worstKeyLen = 1 << 10
	worstSet    = 128 << 10 // bytes of headers, query and form values sent
	keptSet     = 64 << 10  // what the toolbar keeps of each
)

// fresh returns a new string of n bytes that no other string shares, as an
// app that builds its statements and values at run time has.
func fresh(n, i int, what string) string {
	s := fmt.Sprintf("%s %d ", what, i)
	return s + strings.Repeat("x", max(n-len(s), 0))
}

// argShape is a shape of a worst-case statement's arguments, each within
// the caps. Which keeps the most depends on how the budget counts values,
// so each is measured.
type argShape struct {
	name string
	args func(i int) []any
}

var argShapes = []argShape{
	{"four strings cut to 4 KiB each (the 16 KiB budget)", func(i int) []any {
		return []any{fresh(5<<10, i, "a"), fresh(5<<10, i, "b"), fresh(5<<10, i, "c"), fresh(5<<10, i, "d")}
	}},
	{"2,048 int64 values (512 kept, 8 bytes each against the budget)", func(i int) []any {
		args := make([]any, 2048)
		for j := range args {
			args[j] = int64(1000 + i + j)
		}
		return args
	}},
	{"2,048 time.Time values (512 kept, 24 bytes each against the budget)", func(i int) []any {
		args := make([]any, 2048)
		for j := range args {
			args[j] = time.Unix(int64(i*10000+j), 0)
		}
		return args
	}},
}

// worstHandler runs maxQ+10 distinct statements with args, records
// maxCache+10 cache events and spans, so that every list is full and the
// rest is dropped, reads the form and answers with large headers.
func worstHandler(db *sql.DB, maxQ, maxCache int, args func(int) []any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		r.ParseForm()
		for i := range maxQ + 10 {
			db.ExecContext(ctx, fresh(worstSQLLen, i, "UPDATE t SET v = ? WHERE id = ? --"), args(i)...)
		}
		for i := range maxCache + 10 {
			toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "get", Key: fresh(worstKeyLen, i, "key"), Duration: time.Microsecond})
			toolbar.StartSpan(ctx, fresh(worstKeyLen, i, "span"))(nil)
		}
		for i := range worstSet / (2 << 10) {
			w.Header().Set(fmt.Sprintf("X-Large-%d", i), fresh(2<<10, i, "h"))
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}
}

func worstRequest() *http.Request {
	form, query := url.Values{}, url.Values{}
	for i := range worstSet / (4 << 10) {
		form.Set(fmt.Sprintf("field%d", i), fresh(4<<10, i, "f"))
	}
	for i := range worstSet / (1 << 10) {
		query.Set(fmt.Sprintf("q%d", i), fresh(1<<10, i, "q"))
	}
	r := httptest.NewRequest("POST", "/worst?"+query.Encode(), strings.NewReader(form.Encode()))
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := range worstSet / (2 << 10) {
		r.Header.Set(fmt.Sprintf("X-Large-%d", i), fresh(2<<10, i, "h"))
	}
	return r
}

// TestMemoryPerRecord fills a toolbar's history with worst-case records
// and measures the live heap they keep: it must stop growing once the
// history is full, and one record must stay within what the caps allow.
// The small caps always run, with every shape of arguments; the default
// caps (MaxQueries, MaxCacheCalls and MaxSpans 1000, arguments 4 KiB / 16
// KiB) run with -load, with the string arguments only unless
// -load.allshapes is set (a minute more). The history is a few records: records share nothing, so
// the default history of 100 keeps 100 times one record.
func TestMemoryPerRecord(t *testing.T) {
	for _, c := range []struct {
		name           string
		history, q, ev int
		needsLoad      bool
		allArgShapes   bool
	}{
		{"small caps: 20 queries, 20 cache calls and 20 spans per record", 4, 20, 20, false, true},
		{"the default caps: 1000 queries, 1000 cache calls and 1000 spans per record", 2, toolbar.DefaultMaxQueries, toolbar.DefaultMaxCacheCalls, true, *loadAllShapes},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.needsLoad {
				needLoad(t)
			}
			shapes := argShapes[:1]
			if c.allArgShapes {
				shapes = argShapes
			}
			for _, shape := range shapes {
				perRecord, kept := measureRecords(t, c.history, c.q, c.ev, shape)
				// What the caps allow. The argument budget counts the
				// bytes of strings and byte slices and 8 bytes for any
				// other value; a query keeps its arguments encoded (a
				// tag, then the bytes or varints: up to 11 bytes for an
				// int64, 19 for a time.Time), within twice their budget,
				// and five times it is allowed, as when they were kept
				// as interface values (a time.Time cost 40). Add the
				// statement's text, uncapped, and room for the
				// bookkeeping (the query, its stack, the analysis): 2 KiB
				// per query, 1 KiB per cache call or span, and twice the
				// four sets of names and values and the URL (8 KiB).
				allowed := c.q*(sqltrace.DefaultMaxSQLLen+5*sqltrace.DefaultMaxArgsBytes+2<<10) + 2*c.ev*(worstKeyLen+1<<10) +
					2*(4*keptSet+8<<10) + 64<<10
				// And whatever the lists' caps, Config.MaxRecordBytes
				// bounds the operations a record keeps, by an estimate of
				// what they hold: allow it twice over, for what the
				// estimate leaves out, plus the sets of names and values.
				allowed = min(allowed, 2*toolbar.DefaultMaxRecordBytes+2*(4*keptSet+8<<10)+64<<10)
				t.Logf("%s: %s per record (kept %d of %d queries of %d KiB of SQL, %d and %d of %d cache calls and spans; headers, query and form at their caps), %d bytes per kept query, all included; for a history of %d: %s",
					shape.name, mib(perRecord), kept.queries, c.q+10, sqltrace.DefaultMaxSQLLen>>10, kept.cache, kept.spans, c.ev+10,
					perRecord/uint64(kept.queries), toolbar.DefaultHistorySize, mib(perRecord*toolbar.DefaultHistorySize))
				if perRecord > uint64(allowed) {
					t.Errorf("%s: a record keeps %s, more than the caps allow (%s)", shape.name, mib(perRecord), mib(uint64(allowed)))
				}
			}
		})
	}
}

// measureRecords fills a history of the given size three times over with
// worst-case records and returns the live heap one record keeps and the
// lengths of its lists. It fails t if the heap grew after the history was
// full.
func measureRecords(t *testing.T, history, maxQ, maxCache int, shape argShape) (perRecord uint64, kept keptCounts) {
	t.Helper()
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	tb, err := toolbar.New(toolbar.Config{
		HistorySize: history, MaxQueries: maxQ, MaxCacheCalls: maxCache, MaxSpans: maxCache,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := tb.Middleware(worstHandler(db, maxQ, maxCache, shape.args))
	serve := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, worstRequest())
		if w.Code != 200 || w.Header().Get("X-Debug-Token") == "" {
			t.Fatalf("the worst-case request answered %d, token %q", w.Code, w.Header().Get("X-Debug-Token"))
		}
	}
	serve() // fills the caches every record shares (callers, fingerprints)
	before := heapAlloc()
	for range history - 1 {
		serve()
	}
	full := heapAlloc()
	for range 2 * history {
		serve()
	}
	after := heapAlloc()

	list, err := tb.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != history {
		t.Fatalf("the history holds %d records, want %d", len(list), history)
	}
	r, err := tb.Record(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	// Every list is full, or the record's byte budget is.
	if len(r.Queries)+r.QueriesDropped != maxQ+10 || r.QueriesDropped < 10 || len(r.Cache)+r.CacheDropped != maxCache+10 || r.CacheDropped < 10 ||
		len(r.Spans)+r.SpansDropped != maxCache+10 || r.SpansDropped < 10 {
		t.Fatalf("a worst-case record has %d queries (%d dropped), %d cache calls (%d dropped), %d spans (%d dropped); want every list full, the rest dropped",
			len(r.Queries), r.QueriesDropped, len(r.Cache), r.CacheDropped, len(r.Spans), r.SpansDropped)
	}
	if q := r.Queries[0]; !q.SQLTruncated || len(q.SQL) > sqltrace.DefaultMaxSQLLen || !q.ArgsTruncated && q.NumArgs() > 2048 {
		t.Fatalf("a worst-case query keeps %d bytes of SQL (truncated %v) and %d arguments (truncated %v)",
			len(q.SQL), q.SQLTruncated, q.NumArgs(), q.ArgsTruncated)
	}
	perRecord = (full - before) / uint64(history-1)
	// Once full, each new record replaces the oldest: the heap stays
	// within one record (the ring and the record being built) of itself.
	if after > full+perRecord+perRecord/2 {
		t.Errorf("%s: the heap grew from %s to %s while the full history of %d was replaced twice", shape.name, mib(full), mib(after), history)
	}
	runtime.KeepAlive(tb)
	return perRecord, keptCounts{len(r.Queries), len(r.Cache), len(r.Spans)}
}

// keptCounts are the lengths of a record's lists.
type keptCounts struct{ queries, cache, spans int }
