// Package otelbench_test compares, on one page, what a Go developer would
// otherwise use for per-request SQL visibility (OpenTelemetry: otelhttp
// around the handler, otelsql around the driver, spans kept in memory) with
// the debug toolbar, both beside the bare page.
//
// The database is memdb, which answers every query at once, so the figures
// are the instrumentation's own cost. TestStacks checks that each stack does
// its work, so the benchmark cannot silently measure nothing.
package otelbench_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/XSAM/otelsql"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// queries is how many point queries the page runs.
const queries = 20

// page is an HTML page of about 100 KB.
var page = []byte("<!doctype html><html><body>" + strings.Repeat("<p>lorem ipsum dolor sit amet</p>\n", 100<<10/35) + "</body></html>")

// pageHandler runs the page's queries on db and writes the page. A failed
// query answers 500, which the benchmark and the test check for.
func pageHandler(db *sql.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range queries {
			var v string
			if err := db.QueryRowContext(r.Context(), "SELECT v FROM t WHERE id = ?", i%3+1).Scan(&v); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
}

func openDB(t testing.TB, db *sql.DB) *sql.DB {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	return db
}

// bareStack is plain database/sql and no middleware.
func bareStack(t testing.TB) http.Handler {
	return pageHandler(openDB(t, sql.OpenDB(&memdb.Connector{})))
}

// keptRequests is how many requests' spans the otel stack keeps at most
// before it forgets them all: the toolbar's default HistorySize, so neither
// stack holds more requests than the other nor grows with the benchmark's
// iterations.
const keptRequests = 100

// otelStack is otelhttp around the handler and otelsql around the driver,
// both given an SDK TracerProvider that samples every request and records
// its spans in memory, the recorder reset every keptRequests requests.
// Metrics are left to the global MeterProvider, a no-op until an app sets
// one: the figures are tracing's alone. memdb is no real database, hence
// db.system.name other_sql.
func otelStack(t testing.TB) (http.Handler, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	db := openDB(t, otelsql.OpenDB(&memdb.Connector{},
		otelsql.WithTracerProvider(tp),
		otelsql.WithAttributes(semconv.DBSystemNameOtherSQL)))
	h := otelhttp.NewHandler(pageHandler(db), "page", otelhttp.WithTracerProvider(tp))
	n := 0 // requests come one at a time, in the benchmark and the test
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		if n++; n%keptRequests == 0 {
			rec.Reset()
		}
	}), rec
}

// toolbarStack is the toolbar's middleware around the handler and
// sqltrace around the driver.
func toolbarStack(t testing.TB) (http.Handler, *toolbar.Toolbar) {
	tb, err := toolbar.New(toolbar.Config{})
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, sqltrace.OpenDB(&memdb.Connector{}))
	return tb.Middleware(pageHandler(db)), tb
}

// serve sends the benchmark's request to h.
func serve(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(context.Background(), "GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:52000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestStacks(t *testing.T) {
	t.Run("the bare stack serves the page", func(t *testing.T) {
		w := serve(bareStack(t))
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), page) {
			t.Fatalf("got %d with %d bytes, want 200 with the page's %d", w.Code, w.Body.Len(), len(page))
		}
	})

	t.Run("the otel stack records a server span and a span per query in one trace", func(t *testing.T) {
		h, rec := otelStack(t)
		if w := serve(h); w.Code != http.StatusOK || w.Body.Len() != len(page) {
			t.Fatalf("got %d with %d bytes, want 200 with the page's %d", w.Code, w.Body.Len(), len(page))
		}
		var server []sdktrace.ReadOnlySpan
		byName := map[string]int{}
		for _, s := range rec.Ended() {
			byName[s.Name()]++
			if s.SpanKind() == trace.SpanKindServer {
				server = append(server, s)
			}
		}
		if len(server) != 1 {
			t.Fatalf("spans %v: %d server spans, want 1", byName, len(server))
		}
		if byName[string(otelsql.MethodConnQuery)] != queries {
			t.Fatalf("spans %v: want %d %s", byName, queries, otelsql.MethodConnQuery)
		}
		for _, s := range rec.Ended() {
			if s.SpanContext().TraceID() != server[0].SpanContext().TraceID() {
				t.Errorf("span %s is in trace %s, not the request's %s", s.Name(), s.SpanContext().TraceID(), server[0].SpanContext().TraceID())
			}
		}
		t.Logf("spans per request: %v", byName)
	})

	t.Run("the toolbar stack keeps a record of the request's queries", func(t *testing.T) {
		h, tb := toolbarStack(t)
		w := serve(h)
		if w.Code != http.StatusOK || w.Body.Len() <= len(page) {
			t.Fatalf("got %d with %d bytes, want 200 with the page and the toolbar's snippet", w.Code, w.Body.Len())
		}
		id := w.Header().Get("X-Debug-Token")
		if id == "" {
			t.Fatal("no X-Debug-Token")
		}
		rec, err := tb.Record(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Stats.Statements != queries {
			t.Fatalf("the record has %d statements, want %d", rec.Stats.Statements, queries)
		}
	})
}
