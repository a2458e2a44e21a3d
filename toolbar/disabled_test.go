//go:build nodebugtoolbar

// The tests of a binary built with -tags nodebugtoolbar (.ci/run runs them
// with go test -tags nodebugtoolbar -run '^TestCompiledOut' ./toolbar/;
// the package's other tests are of the toolbar compiled in).

package toolbar

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// app is a handler that remembers what it was called with.
type app struct {
	w http.ResponseWriter
	r *http.Request
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.w, a.r = w, r
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte("<html><body>app</body></html>"))
}

func TestCompiledOutMiddlewareReturnsItsHandler(t *testing.T) {
	var logs bytes.Buffer
	tb, err := New(Config{
		InternalIPs:    []string{"0.0.0.0/0"}, // would warn
		TrustedProxies: []string{"::/0"},      // would warn
		Prefix:         "no slashes",          // would be an error
		HistorySize:    -1,                    // would be an error
		Logger:         logTo(&logs),
	})
	if err != nil {
		t.Fatalf("New: %v, want no error: a toolbar compiled out ignores its Config", err)
	}
	a := &app{}
	h := tb.Middleware(a)
	if h != http.Handler(a) {
		t.Fatalf("Middleware returned %T, want its handler itself", h)
	}
	for _, path := range []string{"/", "/__debug__/", "/__debug__/api/v1/requests"} {
		r := httptest.NewRequest("GET", path, nil) // from 192.0.2.1, allowed by 0.0.0.0/0
		r = withLocalAddr(r, tcp("203.0.113.7:443"), "")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if a.r != r || a.w != w {
			t.Errorf("%s: the app got another request or writer", path)
		}
		if got := w.Body.String(); got != "<html><body>app</body></html>" {
			t.Errorf("%s: body %q, want the app's own", path, got)
		}
		if len(w.Header()) != 1 {
			t.Errorf("%s: headers %v, want the app's one", path, w.Header())
		}
	}
	if logs.Len() > 0 {
		t.Errorf("logged %q, want nothing", logs.String())
	}
}

func TestCompiledOutRecordsNothing(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tb.history.add(&panels.Record{ID: "x"}) // what the middleware would do
	if got, err := tb.History(ctx); len(got) != 0 || err != nil {
		t.Errorf("History = %d records (%v), want none", len(got), err)
	}
	if rec, err := tb.Record(ctx, "x"); rec != nil || !errors.Is(err, ErrNotFound) {
		t.Errorf("Record = %v, %v; want nil and ErrNotFound", rec, err)
	}
	if err := tb.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	// What an observed request's context would hold.
	cfg := Config{MaxQueries: 10, MaxCacheCalls: 10, MaxSpans: 10}
	col := newCollector(&panels.Record{}, &cfg, newRedactor(nil))
	ctx = context.WithValue(ctx, collectorKey{}, col)
	if Observed(ctx) {
		t.Error("Observed is true")
	}
	RecordCache(ctx, CacheEvent{Op: "get", Key: "k", Duration: time.Millisecond})
	StartSpan(ctx, "render")(nil)
	SetRoute(ctx, "/posts/{id}")
	if n := len(col.rec.Cache) + len(col.rec.Spans); n != 0 || col.pattern != "" {
		t.Errorf("recorded %d cache events and spans and route %q, want nothing", n, col.pattern)
	}
	if rt := Transport(nil); rt != http.DefaultTransport {
		t.Errorf("Transport(nil) = %T, want http.DefaultTransport", rt)
	}
	rt := &http.Transport{}
	if got := Transport(rt); got != http.RoundTripper(rt) {
		t.Errorf("Transport(rt) = %T, want rt itself", got)
	}
}
