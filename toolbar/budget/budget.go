// Package budget checks, in an app's tests, what its pages cost in
// queries: it serves a request through the app's handler behind a toolbar
// and hands back the finished record (panels.Record: the queries, their
// shapes and the alerts the toolbar raised), so a test can say "this page
// runs at most 5 queries and has no N+1":
//
//	func TestPostsPage(t *testing.T) {
//		rec := budget.Serve(t, app.Routes(), httptest.NewRequest("GET", "/posts", nil))
//		budget.Check(t, rec, budget.MaxQueries(5), budget.No(panels.AlertNPlusOne))
//	}
//
// The queries must run on a database opened with sqltrace. They are
// recorded whether or not they are given the request's context, as on a
// page the toolbar shows (see sqltrace.Follow): those run by the handler's
// goroutine, or by goroutines it starts, belong to the request.
//
// The handler need not have the toolbar's middleware: Serve puts one
// around it. One it has already steps aside (a toolbar inside another's
// observed request leaves it to the outer one), so the record is Serve's,
// made with the Runner's Config.
//
// # Queries that grow with the data
//
// A page can stay under a budget with three rows in the test database and
// run a query per row in production. ConstantQueries, in the spirit of
// Ruby's n_plus_one_control, serves a request with the data seeded at
// several sizes and fails when the query count grows with them, naming
// the statements that grew:
//
//	budget.ConstantQueries(t, app.Routes(), httptest.NewRequest("GET", "/posts", nil), func(n int) {
//		seedPosts(t, db, n) // exactly n posts, each with its author
//	})
//
// # Production builds
//
// In a test binary built with -tags nodebugtoolbar nothing is recorded:
// Serve and ConstantQueries skip the test.
package budget

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Runner serves requests behind a toolbar of its Config. The zero Runner
// uses the toolbar's defaults; Serve and ConstantQueries are a zero
// Runner's.
type Runner struct {
	// Config configures the toolbar that records the requests: its
	// Thresholds decide when an alert is raised (set them in a test that
	// depends on one); its caps (MaxQueries, MaxRecordBytes...) and
	// RedactNames apply as on the toolbar. Every
	// request is observed whatever its address: InternalIPs,
	// TrustedProxies, Show and ShowOverridesAllowlist are ignored. The
	// history is kept in memory: Store and HistoryDir are ignored.
	Config toolbar.Config
	// Scales are the sizes ConstantQueries seeds, at least two; nil means
	// 2, 5 and 10.
	Scales []int
}

// Serve serves req with h behind a toolbar and returns the request's
// record, finished: its queries, shapes, stats and alerts. It fails the
// test (t.Fatal) when the request was not recorded: a path under the
// toolbar's prefix, or a toolbar Config that New refuses. A panic in h
// reaches the test, as without the toolbar.
func Serve(t testing.TB, h http.Handler, req *http.Request) *panels.Record {
	t.Helper()
	return Runner{}.Serve(t, h, req)
}

// Serve is the package's Serve with r's Config.
func (r Runner) Serve(t testing.TB, h http.Handler, req *http.Request) *panels.Record {
	t.Helper()
	tb := r.toolbar(t)
	rec, _ := serve(t, tb, h, req)
	return rec
}

// toolbar returns a toolbar of r's Config that observes every request.
func (r Runner) toolbar(t testing.TB) *toolbar.Toolbar {
	t.Helper()
	if !enabled {
		t.Skip("budget: built with -tags nodebugtoolbar, which records nothing")
	}
	cfg := r.Config
	cfg.InternalIPs, cfg.TrustedProxies = nil, nil
	cfg.Show = func(*http.Request) bool { return true }
	cfg.ShowOverridesAllowlist = true
	cfg.Store, cfg.HistoryDir = nil, ""
	tb, err := toolbar.New(cfg)
	if err != nil {
		t.Fatalf("budget: %v", err)
	}
	return tb
}

// serve serves req with h behind tb and returns its record and response.
func serve(t testing.TB, tb *toolbar.Toolbar, h http.Handler, req *http.Request) (*panels.Record, *httptest.ResponseRecorder) {
	t.Helper()
	w := httptest.NewRecorder()
	tb.Middleware(h).ServeHTTP(w, req)
	id := w.Header().Get("X-Debug-Token")
	if id == "" {
		t.Fatalf("budget: %s %s was not recorded (a path under the toolbar's prefix is its own)", req.Method, req.URL)
	}
	rec, err := tb.Record(req.Context(), id)
	if err != nil {
		t.Fatalf("budget: %s %s: reading its record: %v", req.Method, req.URL, err)
	}
	return rec, w
}

// replayable returns a function that gives a copy of req for each run,
// with its body read once.
func replayable(req *http.Request) (func() *http.Request, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the request's body: %w", err)
		}
	}
	return func() *http.Request {
		c := req.Clone(req.Context())
		if body != nil {
			c.Body = io.NopCloser(bytes.NewReader(body))
			c.ContentLength = int64(len(body))
		}
		return c
	}, nil
}
