package toolbartest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// endpointsApp is a chi app with the toolbar whose history holds a record
// of every kind the toolbar shows: an HTML page with an N+1 loop, cache
// calls and a span; a JSON answer; a failed query with arguments; a form
// post; a redirect and the page it leads to; a handler that panics; a 404;
// and the entry for work done outside any request.
type endpointsApp struct {
	handler http.Handler
	tb      *toolbar.Toolbar
	ids     []string // the recorded requests, oldest first
}

func newEndpointsApp(t testing.TB) *endpointsApp {
	t.Helper()
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r := chi.NewRouter()
	r.Use(recoverer, tb.Middleware)
	started, release := make(chan struct{}), make(chan struct{})
	r.Get("/posts", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		end := toolbar.StartSpan(ctx, "render")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><head><title>posts</title></head><body><ul>")
		for id := 1; id <= 6; id++ {
			var title string
			db.QueryRowContext(ctx, "SELECT title FROM posts WHERE id = ?", id).Scan(&title)
			toolbar.RecordCache(ctx, toolbar.CacheEvent{Op: "get", Key: fmt.Sprintf("post:%d", id), Hit: id%2 == 0, Duration: time.Microsecond})
			fmt.Fprintf(w, "<li>%s</li>", title)
		}
		io.WriteString(w, "</ul></body></html>")
		end(nil)
	})
	r.Get("/api/posts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"posts":["one","two"]}`)
	})
	r.Get("/broken", func(w http.ResponseWriter, r *http.Request) {
		_, err := db.ExecContext(r.Context(), "UPDATE nowhere SET password = ? WHERE token = ? AND n = ?", "hunter2", []byte{0, 1, 0xff}, nil)
		toolbar.RecordCache(r.Context(), toolbar.CacheEvent{Op: "set", Key: "k\x00<script>", Err: errors.New("cache down"), Duration: time.Millisecond})
		toolbar.StartSpan(r.Context(), "call ünïcode ☃")(errors.New("upstream 502"))
		http.Error(w, fmt.Sprint(err), http.StatusBadGateway)
	})
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		http.Redirect(w, r, "/welcome?from=login", http.StatusSeeOther)
	})
	r.Get("/welcome", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>welcome</body></html>")
	})
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("the app's own bug") })
	r.Get("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})

	serve := func(method, target, body string, header ...string) {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:4321"
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
	serve("GET", "/posts?page=2&access_token=s3cr3t", "", "Cookie", "session=abc; theme=dark", "Authorization", "Bearer xyz")
	serve("GET", "/api/posts", "", "Accept", "application/json", "X-Requested-With", "fetch")
	serve("GET", "/broken", "")
	serve("POST", "/login", "user=bob&password=pw", "Content-Type", "application/x-www-form-urlencoded")
	serve("GET", "/welcome?from=login", "")
	serve("GET", "/panic", "")
	serve("GET", "/nowhere/ünï", "")
	// A query without any request's context, on a goroutine no request
	// started, while a request is in flight: the outside entry.
	done := make(chan struct{})
	go func() { serve("GET", "/slow", ""); close(done) }()
	<-started
	db.Exec("SELECT count(*) FROM posts")
	close(release)
	<-done

	a := &endpointsApp{handler: r, tb: tb}
	recs, err := tb.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		a.ids = append(a.ids, recs[i].ID)
	}
	if len(a.ids) != 8 {
		t.Fatalf("the history holds %d records, want 8", len(a.ids))
	}
	return a
}

// historyLen is how many records the app's history holds.
func (a *endpointsApp) historyLen(t testing.TB) int {
	t.Helper()
	list, err := a.tb.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// recoverer is the app's own panic recovery, outside the toolbar.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil && p != http.ErrAbortHandler {
				http.Error(w, "recovered", http.StatusTeapot)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// expand replaces the placeholders a fuzzed target may hold with what the
// fuzzer cannot guess: {id0}..{id7} the recorded requests' ids, {outside}
// the outside entry's, {js} and {css} the assets' hashed names.
func (a *endpointsApp) expand(s string) string {
	pairs := []string{"{outside}", toolbar.OutsideID, "{js}", strings.TrimPrefix(assets.Path("toolbar.js"), "/"),
		"{css}", strings.TrimPrefix(assets.Path("panels.css"), "/")}
	for i, id := range a.ids {
		pairs = append(pairs, fmt.Sprintf("{id%d}", i), id)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// FuzzEndpoints sends requests under the toolbar's prefix, from an
// allowed address, with fuzzed methods, paths, query strings, headers and
// bodies (any request net/http would parse), and checks that the toolbar
// answers each without a panic or a 5xx, never records its own requests,
// and sends valid JSON whenever it says JSON. The seeds open every page,
// panel and API of every kind of record; the corpus is in
// testdata/fuzz/FuzzEndpoints.
func FuzzEndpoints(f *testing.F) {
	for _, s := range []struct{ method, target, header, body string }{
		{"GET", "", "", ""},
		{"GET", "api/v1/requests", "Accept: application/json", ""},
		{"GET", "api/v1/requests/{id0}", "", ""},
		{"GET", "api/v1/requests/{outside}", "", ""},
		{"GET", "api/v1/requests/{id2}/toolbar", "", ""},
		{"GET", "requests/{id0}", "Accept-Encoding: gzip, br", ""},
		{"GET", "requests/{outside}", "", ""},
		{"GET", "requests/{id0}/panels/sql", "HX-Request: true", ""},
		{"GET", "requests/{id2}/panels/cache", "", ""},
		{"GET", "requests/{id3}/panels/request", "", ""},
		{"GET", "requests/{id4}/panels/response", "", ""},
		{"GET", "requests/{id5}/panels/timer", "", ""},
		{"GET", "requests/{id6}/panels/versions", "", ""},
		{"GET", "requests/{outside}/panels/sql", "", ""},
		{"GET", "requests/{id1}/panels/nope", "", ""},
		{"GET", "requests/00000000-0000-0000-0000-000000000000", "", ""},
		{"GET", "static/{js}", "Range: bytes=10-20,5-", ""},
		{"GET", "static/{css}", "If-None-Match: *\nIf-Modified-Since: Mon, 02 Jan 2006 15:04:05 GMT", ""},
		{"HEAD", "static/{js}", "Range: bytes=-0", ""},
		{"GET", "static/toolbar.js", "", ""},
		{"POST", "api/v1/requests/{id0}", "Content-Type: application/json\nContent-Length: 2", "{}"},
		{"DELETE", "requests/{id0}", "", ""},
		{"POST", "requests/{id0}/queries/0/explain", "Sec-Fetch-Site: same-origin\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 9", "analyze=1"},
		{"GET", "requests/{id1}/queries/99/explain", "X-Debugtoolbar-Token: 00", ""},
		{"OPTIONS", "*", "Origin: http://evil.example", ""},
		{"GET", "requests/%7Bid0%7D/panels/%73ql?x=%zz&&;=", "", ""},
		{"GET", "..%2f..%2fposts", "X-Forwarded-For: 127.0.0.1", ""},
		{"GET", "api/v1//requests/./{id0}/../", "", ""},
		{"PATCH", "api/v1/requests?limit=-1&offset=99999999999999999999", "Transfer-Encoding: chunked", "0\r\n\r\n"},
	} {
		f.Add(s.method, s.target, s.header, s.body)
	}
	a := newEndpointsApp(f)
	kept := a.historyLen(f)
	f.Fuzz(func(t *testing.T, method, target, header, body string) {
		var raw strings.Builder
		fmt.Fprintf(&raw, "%s %s%s HTTP/1.1\r\nHost: example.com\r\n", method, toolbar.DefaultPrefix, a.expand(target))
		for line := range strings.Lines(header) {
			raw.WriteString(strings.TrimRight(line, "\r\n") + "\r\n")
		}
		raw.WriteString("\r\n" + body)
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			return // not a request net/http serves
		}
		req.RemoteAddr = "127.0.0.1:4321"
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req = req.WithContext(ctx)
		w := httptest.NewRecorder()
		a.handler.ServeHTTP(w, req)

		res := w.Result()
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s answered %d: %s", req.Method, req.RequestURI, res.StatusCode, w.Body)
		}
		if !strings.HasPrefix(req.URL.Path, toolbar.DefaultPrefix) {
			return // a path that is not the toolbar's, such as "*"
		}
		if tok := res.Header.Get("X-Debug-Token"); tok != "" {
			t.Errorf("%s %s was recorded as %s: the toolbar's own requests never are", req.Method, req.RequestURI, tok)
		}
		if n := a.historyLen(t); n != kept {
			t.Fatalf("%s %s changed the history from %d records to %d", req.Method, req.RequestURI, kept, n)
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && req.Method != "HEAD" && !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s %s answered invalid JSON: %q", req.Method, req.RequestURI, w.Body)
		}
	})
}
