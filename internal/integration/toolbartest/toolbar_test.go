package toolbartest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
		INSERT INTO posts (title) VALUES ('one'), ('two'), ('three')`); err != nil {
		t.Fatal(err)
	}
	return db
}

// queryLine is the line of the query in app's page handler, for checking
// callers.
var queryLine int

// app is a small chi app: an HTML page that runs a query per post, a JSON
// endpoint, and its own 404 page.
func app(db *sql.DB, mw func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	if mw != nil {
		r.Use(mw)
	}
	r.Get("/posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		var title string
		_, _, queryLine, _ = runtime.Caller(0)
		err := db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", chi.URLParam(r, "id")).Scan(&title) // queryLine+1
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		toolbar.RecordCache(r.Context(), toolbar.CacheEvent{Op: "get", Key: "post:" + chi.URLParam(r, "id"), Hit: false, Duration: time.Millisecond})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1></body></html>", title, title)
	})
	r.Get("/api/posts", func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.QueryContext(r.Context(), "SELECT id, title FROM posts ORDER BY id")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id int
			var title string
			rows.Scan(&id, &title)
			out = append(out, title)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "the app's own 404")
	})
	return r
}

func newToolbar(t testing.TB, cfg toolbar.Config) *toolbar.Toolbar {
	t.Helper()
	tb, err := toolbar.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func get(t testing.TB, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestObservedHTMLPageGetsTheToolbarOnceAndItsRecord(t *testing.T) {
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{})
	srv := httptest.NewServer(app(db, tb.Middleware))
	defer srv.Close()

	res, body := get(t, srv.URL+"/posts/2")
	if n := strings.Count(body, `id="debugtoolbar-data"`); n != 1 {
		t.Fatalf("the toolbar appears %d times in %q", n, body)
	}
	if !strings.HasPrefix(body, "<!doctype html><html><head><title>two</title><script id=\"debugtoolbar-data\"") || !strings.HasSuffix(body, "defer></script></head><body><h1>two</h1></body></html>") {
		t.Errorf("snippet not placed before </head>: %q", body)
	}
	id := res.Header.Get("X-Debug-Token")
	if id == "" || res.Header.Get("X-Debug-Token-Link") != "/__debug__/requests/"+id {
		t.Fatalf("debug headers: %v", res.Header)
	}
	if !strings.Contains(res.Header.Get("Server-Timing"), "sql;dur=") {
		t.Errorf("Server-Timing = %q", res.Header.Get("Server-Timing"))
	}
	rec := fetchRecord(t, srv.URL, id)
	if rec.Request.Route != "/posts/{id}" || rec.Response.Status != 200 || !rec.Response.Injected {
		t.Errorf("record: route %q status %d injected %v", rec.Request.Route, rec.Response.Status, rec.Response.Injected)
	}
	if len(rec.Queries) != 1 {
		t.Fatalf("queries = %+v", rec.Queries)
	}
	q := rec.Queries[0]
	if q.Kind != "query" || q.Rows != 1 || len(q.Args) != 1 || q.Args[0] != (apiArg{Type: "string", Value: "2"}) || q.Fingerprint == "" {
		t.Errorf("query = %+v", q)
	}
	if filepath.Base(q.Caller.File) != "toolbar_test.go" || q.Caller.Line != queryLine+1 {
		t.Errorf("caller = %s:%d, want toolbar_test.go:%d", q.Caller.File, q.Caller.Line, queryLine+1)
	}
	if len(rec.Cache) != 1 || rec.Cache[0].Key != "post:2" || rec.Cache[0].Op != "get" {
		t.Errorf("cache = %+v", rec.Cache)
	}

	t.Run("a JSON response is recorded but not changed", func(t *testing.T) {
		res, body := get(t, srv.URL+"/api/posts")
		if body != "[\"one\",\"two\",\"three\"]\n" {
			t.Errorf("body = %q", body)
		}
		rec := fetchRecord(t, srv.URL, res.Header.Get("X-Debug-Token"))
		if len(rec.Queries) != 1 || rec.Response.Injected || rec.Response.NotInjected == "" {
			t.Errorf("record = %+v", rec)
		}
	})
	t.Run("an unknown id is a 404 with a JSON error", func(t *testing.T) {
		res, body := get(t, srv.URL+"/__debug__/api/v1/requests/nope")
		var e struct{ Error string }
		if res.StatusCode != 404 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("%s %q", res.Status, body)
		}
	})
	t.Run("the history lists requests newest first", func(t *testing.T) {
		_, body := get(t, srv.URL+"/__debug__/api/v1/requests")
		list := decodeList(t, []byte(body))
		if len(list) != 2 || list[0].Path != "/api/posts" || list[1].Path != "/posts/2" {
			t.Errorf("history = %+v", list)
		}
	})
}

func TestDeniedClientsSeeTheAppExactlyAsWithoutTheToolbar(t *testing.T) {
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{InternalIPs: []string{"10.1.2.3"}})
	bare := httptest.NewServer(app(db, nil))
	defer bare.Close()
	withTB := httptest.NewServer(app(db, tb.Middleware))
	defer withTB.Close()
	for _, path := range []string{"/posts/1", "/api/posts", "/__debug__/api/v1/requests", "/__debug__/static/toolbar.js"} {
		t.Run(path, func(t *testing.T) {
			want, wantBody := get(t, bare.URL+path)
			got, gotBody := get(t, withTB.URL+path)
			if gotBody != wantBody || got.StatusCode != want.StatusCode {
				t.Errorf("with the toolbar: %d %q, without: %d %q", got.StatusCode, gotBody, want.StatusCode, wantBody)
			}
			got.Header.Del("Date")
			want.Header.Del("Date")
			if fmt.Sprint(got.Header) != fmt.Sprint(want.Header) {
				t.Errorf("headers with the toolbar %v, without %v", got.Header, want.Header)
			}
		})
	}
}

func TestForwardedForIsIgnoredWithoutATrustedProxy(t *testing.T) {
	db := openDB(t)
	t.Run("a loopback peer with X-Forwarded-For is not observed", func(t *testing.T) {
		tb := newToolbar(t, toolbar.Config{})
		srv := httptest.NewServer(app(db, tb.Middleware))
		defer srv.Close()
		res, body := get(t, srv.URL+"/posts/1", "X-Forwarded-For", "127.0.0.1")
		if res.Header.Get("X-Debug-Token") != "" || strings.Contains(body, "debugtoolbar") {
			t.Errorf("observed a request carrying X-Forwarded-For from an untrusted peer")
		}
	})
	t.Run("behind a trusted proxy the forwarded client decides", func(t *testing.T) {
		tb := newToolbar(t, toolbar.Config{InternalIPs: []string{"10.9.0.0/16"}, TrustedProxies: []string{"127.0.0.1"}})
		srv := httptest.NewServer(app(db, tb.Middleware))
		defer srv.Close()
		res, _ := get(t, srv.URL+"/posts/1", "X-Forwarded-For", "203.0.113.9, 10.9.1.1")
		if res.Header.Get("X-Debug-Token") == "" {
			t.Error("the internal client behind the trusted proxy was not observed")
		}
		res, _ = get(t, srv.URL+"/posts/1", "X-Forwarded-For", "10.9.1.1, 203.0.113.9")
		if res.Header.Get("X-Debug-Token") != "" {
			t.Error("observed an outside client that spoofed an internal address on the left of X-Forwarded-For")
		}
	})
}

func TestShowCanVetoButNotWiden(t *testing.T) {
	db := openDB(t)
	for _, c := range []struct {
		name     string
		cfg      toolbar.Config
		observed bool
	}{
		{"Show false vetoes an allowed client", toolbar.Config{Show: func(*http.Request) bool { return false }}, false},
		{"Show true does not admit a refused client", toolbar.Config{InternalIPs: []string{"10.0.0.1"}, Show: func(*http.Request) bool { return true }}, false},
		{"ShowOverridesAllowlist lets Show decide", toolbar.Config{InternalIPs: []string{"10.0.0.1"}, Show: func(*http.Request) bool { return true }, ShowOverridesAllowlist: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(app(db, newToolbar(t, c.cfg).Middleware))
			defer srv.Close()
			res, _ := get(t, srv.URL+"/posts/1")
			if got := res.Header.Get("X-Debug-Token") != ""; got != c.observed {
				t.Errorf("observed = %v, want %v", got, c.observed)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  toolbar.Config
		want string
	}{
		{toolbar.Config{InternalIPs: []string{"10.0.0.300"}}, `"10.0.0.300"`},
		{toolbar.Config{TrustedProxies: []string{"10.0.0.0/33"}}, `"10.0.0.0/33"`},
		{toolbar.Config{Prefix: "debug"}, `"debug"`},
		{toolbar.Config{HistorySize: -1}, "HistorySize"},
	} {
		_, err := toolbar.New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.want)
		}
	}
}

func TestServeMuxRoutesAndConcurrentRequestsKeepTheirRecordsApart(t *testing.T) {
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{HistorySize: 200})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var wg sync.WaitGroup
		for range 3 { // queries from goroutines sharing the request's context
			wg.Go(func() {
				var n int
				db.QueryRowContext(r.Context(), "SELECT count(*) FROM posts WHERE id <> ?", id).Scan(&n)
			})
		}
		wg.Wait()
		fmt.Fprint(w, id)
	})
	srv := httptest.NewServer(tb.Middleware(mux))
	defer srv.Close()
	var wg sync.WaitGroup
	ids := make([]string, 30)
	for i := range ids {
		wg.Go(func() {
			res, _ := get(t, fmt.Sprintf("%s/items/%d", srv.URL, i))
			ids[i] = res.Header.Get("X-Debug-Token")
		})
	}
	wg.Wait()
	for i, id := range ids {
		rec := fetchRecord(t, srv.URL, id)
		if rec.Request.Route != "GET /items/{id}" || len(rec.Queries) != 3 {
			t.Fatalf("request %d: route %q, %d queries", i, rec.Request.Route, len(rec.Queries))
		}
		for _, q := range rec.Queries {
			if len(q.Args) != 1 || q.Args[0].Value != fmt.Sprint(i) {
				t.Errorf("request %d holds a query of another request: %v", i, q.Args)
			}
		}
	}
}

func TestHistoryIsBounded(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{HistorySize: 5})
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	var last string
	for range 12 {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:1234"
		h.ServeHTTP(w, r)
		last = w.Header().Get("X-Debug-Token")
	}
	list, err := tb.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 || list[0].ID != last {
		t.Errorf("history holds %d records, newest %q; want 5, newest %q", len(list), list[0].ID, last)
	}
}

func TestNoToolbarInContextCostsNothing(t *testing.T) {
	// Instrumented code runs fine without the middleware.
	toolbar.RecordCache(context.Background(), toolbar.CacheEvent{Op: "get", Key: "k"})
	if toolbar.Observed(context.Background()) {
		t.Error("a bare context is observed")
	}
}

// serveLocal serves a GET of path from a loopback client, which the
// toolbar observes by default.
func serveLocal(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = "127.0.0.1:1"
	h.ServeHTTP(w, r)
	return w
}

func TestTheSnippetCarriesTheAppsCSPNonce(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{})
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-r4nd0m'")
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>hi</body></html>")
	}))
	w := serveLocal(h, "/")
	body := w.Body.String()
	if !strings.Contains(body, `nonce="r4nd0m"`) {
		t.Errorf("no nonce on the script: %q", body)
	}
	for i := 0; i < len(body); i++ {
		if body[i] >= 0x80 {
			t.Fatalf("the snippet is not ASCII: %q", body)
		}
	}
}

func TestAPanicInTheAppIsRecordedAndReraised(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{})
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>partial")
		panic("boom")
	}))
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the app's panic", p)
			}
		}()
		h.ServeHTTP(w, r)
	}()
	if w.Body.String() != "<html><body>partial" {
		t.Errorf("body = %q, want what the app wrote before panicking, untouched", w.Body.String())
	}
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil || rec.Panic != "boom" {
		t.Errorf("record = %+v, %v", rec, err)
	}
}

func TestSecretSQLArgumentsAreRedacted(t *testing.T) {
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{})
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		db.ExecContext(r.Context(), "UPDATE posts SET title = :title WHERE :password <> ''", sql.Named("title", "t"), sql.Named("password", "hunter2"))
	}))
	w := serveLocal(h, "/")
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil || len(rec.Queries) != 1 {
		t.Fatalf("record = %+v, %v", rec, err)
	}
	if got := fmt.Sprint(rec.Queries[0].Args()); strings.Contains(got, "hunter2") || !strings.Contains(got, "title") {
		t.Errorf("args = %s", got)
	}
}

func TestTheToolbarsOwnPagesAreLockedDown(t *testing.T) {
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{})
	srv := httptest.NewServer(app(db, tb.Middleware))
	defer srv.Close()
	res, _ := get(t, srv.URL+"/posts/1")
	id := res.Header.Get("X-Debug-Token")
	for _, path := range []string{"/__debug__/", "/__debug__/requests/" + id, "/__debug__/requests/" + id + "/panels/sql", "/__debug__/api/v1/requests/" + id} {
		t.Run(path, func(t *testing.T) {
			res, body := get(t, srv.URL+path)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %s", res.Status, body)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", res.Header)
			}
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
					t.Errorf("CSP %q", csp)
				}
			}
			if res.Header.Get("X-Debug-Token") != "" {
				t.Error("the toolbar recorded its own page")
			}
		})
	}
	t.Run("assets are immutable and content-hashed", func(t *testing.T) {
		_, body := get(t, srv.URL+"/posts/1")
		src := regexp.MustCompile(`/__debug__/static/toolbar\.[0-9a-f]+\.js`).FindString(body)
		if src == "" {
			t.Fatalf("no script in %q", body)
		}
		res, _ := get(t, srv.URL+src)
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
			t.Errorf("%s: %s %v", src, res.Status, res.Header)
		}
	})
}

func TestTheSnippetIsASCIIForNonASCIIPaths(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{})
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>café</body></html>")
	}))
	w := serveLocal(h, "/caf%C3%A9/%F0%9F%8D%B0")
	body := w.Body.String()
	snippet := body[:strings.Index(body, "<body>")]
	for i := 0; i < len(snippet); i++ {
		if snippet[i] >= 0x80 {
			t.Fatalf("the snippet is not ASCII: %q", snippet)
		}
	}
	if !strings.Contains(snippet, `/caf\u00e9/\ud83c\udf70`) {
		t.Errorf("the path is not escaped in the snippet's JSON: %q", snippet)
	}
}

func TestOutgoingCallsThroughTransportAreSpans(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	defer upstream.Close()
	client := &http.Client{Transport: toolbar.Transport(nil)}
	tb := newToolbar(t, toolbar.Config{})
	var callLine int
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), "GET", upstream.URL+"/price/7", nil)
		_, _, callLine, _ = runtime.Caller(0)
		resp, err := client.Do(req) // callLine+1
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	}))
	w := serveLocal(h, "/")
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Spans) != 1 {
		t.Fatalf("spans = %+v", rec.Spans)
	}
	s := rec.Spans[0]
	host := strings.TrimPrefix(upstream.URL, "http://")
	if s.Name != "GET "+host+"/price/7 418 I'm a teapot" || s.Duration <= 0 {
		t.Errorf("span = %+v", s)
	}
	if f := rec.Caller(s.Stack); filepath.Base(f.File) != "toolbar_test.go" || f.Line != callLine+1 {
		t.Errorf("caller = %s:%d, want toolbar_test.go:%d", f.File, f.Line, callLine+1)
	}
	// Without the toolbar in the context the transport only forwards.
	resp, err := client.Get(upstream.URL)
	if err != nil || resp.StatusCode != http.StatusTeapot {
		t.Errorf("plain request: %v %v", resp, err)
	}
}
