package respwriter_test

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	templruntime "github.com/a-h/templ/runtime"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

const snippet = `<template data-testid="debugtoolbar"></template>`

// Interfaces the host app may rely on, all present.
var (
	_ http.Flusher                              = (*respwriter.Writer)(nil)
	_ http.Hijacker                             = (*respwriter.Writer)(nil)
	_ io.ReaderFrom                             = (*respwriter.Writer)(nil)
	_ io.StringWriter                           = (*respwriter.Writer)(nil)
	_ interface{ FlushError() error }           = (*respwriter.Writer)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*respwriter.Writer)(nil)
)

// server runs a handler behind the Writer, as the toolbar's middleware does,
// on a real http.Server.
type server struct {
	*httptest.Server
	results  chan respwriter.Result
	onHeader atomic.Int32
}

// newServer starts next behind the Writer. Options left nil get the test
// snippet and an OnHeader that adds Server-Timing; inner, when set, wraps
// net/http's writer before the Writer does.
func newServer(t *testing.T, next http.Handler, o respwriter.Options, inner func(http.ResponseWriter) http.ResponseWriter) *server {
	t.Helper()
	return startServer(t, next, o, inner, false)
}

// startServer is newServer, over TLS and HTTP/2 when h2 is set.
func startServer(t *testing.T, next http.Handler, o respwriter.Options, inner func(http.ResponseWriter) http.ResponseWriter, h2 bool) *server {
	t.Helper()
	s := &server{results: make(chan respwriter.Result, 1)}
	if o.Snippet == nil {
		o.Snippet = inserts(snippet)
	}
	onHeader := o.OnHeader
	o.OnHeader = func(h http.Header) {
		s.onHeader.Add(1)
		if onHeader != nil {
			onHeader(h)
			return
		}
		h.Set("Server-Timing", "total;dur=1")
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inner != nil {
			w = inner(w)
		}
		rw := respwriter.New(w, r, o)
		defer func() {
			if p := recover(); p != nil {
				rw.Abort()
				s.results <- rw.Result()
				panic(p)
			}
		}()
		next.ServeHTTP(rw.ResponseWriter(), r)
		s.results <- rw.Finish()
	}))
	if h2 {
		s.EnableHTTP2 = true
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// bareServer serves h as the app would without the toolbar. Its log is
// dropped: the reference responses include misuse net/http complains about.
func bareServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// result is what Finish (or Abort) returned for the one request served.
func (s *server) result(t *testing.T) respwriter.Result {
	t.Helper()
	select {
	case res := <-s.results:
		return res
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not finish")
		return respwriter.Result{}
	}
}

// rawClient is a client that neither asks for nor decodes compression, so
// tests see the bytes as sent.
func rawClient(s *httptest.Server) *http.Client {
	c := s.Client()
	c.Transport.(*http.Transport).DisableCompression = true
	c.Timeout = 5 * time.Second
	return c
}

type request struct {
	method, path string
	header       http.Header
	short        bool // the body may end early, as net/http ends it
}

type response struct {
	status  int
	header  http.Header
	body    []byte
	trailer http.Header
	readErr string
}

func do(t *testing.T, s *httptest.Server, req request) response {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	r, err := http.NewRequest(req.method, s.URL+req.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.header {
		r.Header[k] = v
	}
	resp, err := rawClient(s).Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := response{status: resp.StatusCode, header: resp.Header, trailer: resp.Trailer}
	got.body, err = io.ReadAll(resp.Body)
	if err != nil {
		if !req.short {
			t.Fatalf("reading the body: %v", err)
		}
		got.readErr = err.Error()
	}
	if err == nil && resp.ContentLength >= 0 && resp.ContentLength != int64(len(got.body)) && req.method != http.MethodHead {
		t.Fatalf("Content-Length %d for a body of %d bytes", resp.ContentLength, len(got.body))
	}
	return got
}

// page is an HTML page of about n bytes.
func page(n int) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "<p>line %d</p>\n", i)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// injected is page as the Writer serves it: the snippet before its
// </head>, else its <body>, else its </body>; page holds one of them, in
// none of its comments, scripts or attributes.
func injected(page string) string {
	low := strings.ToLower(page)
	for _, at := range []string{"</head>", "<body", "</body>"} {
		if i := strings.Index(low, at); i >= 0 {
			return page[:i] + snippet + page[i:]
		}
	}
	panic("no place for the snippet in " + page)
}

// inserts is a Snippet that inserts markup.
func inserts(markup string) func(respwriter.Page) (respwriter.Injection, error) {
	return func(respwriter.Page) (respwriter.Injection, error) {
		return respwriter.Injection{Markup: []byte(markup)}, nil
	}
}

func htmlHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}
}

func TestInjectsIntoHTML(t *testing.T) {
	small := "<html><body><p>hi</p></body></html>"
	big := page(10 << 10)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // the body the client gets
		status  int
		header  map[string]string // "" means absent
		ctype   string            // Result.ContentType
		size    int
	}{
		{
			name:    "a plain page gets the snippet once, before <body>",
			handler: htmlHandler(small),
			want:    "<html>" + snippet + "<body><p>hi</p></body></html>",
		},
		{
			name:    "an upper-case <BODY> is found",
			handler: htmlHandler("<HTML><BODY>hi</BODY></HTML>"),
			want:    "<HTML>" + snippet + "<BODY>hi</BODY></HTML>",
		},
		{
			name:    "a </head> in a script is not the end of the head",
			handler: htmlHandler(`<html><head><script>let s = "</head>"</script></head><body></body>`),
			want:    `<html><head><script>let s = "</head>"</script>` + snippet + `</head><body></body>`,
		},
		{
			name:    "a document with no </body> gets the snippet at its end",
			handler: htmlHandler("<!DOCTYPE html><p>no end tag</p>"),
			want:    "<!DOCTYPE html><p>no end tag</p>" + snippet,
		},
		{
			name: "a Content-Length set by the app is corrected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				io.WriteString(w, big)
			},
			want:   injected(big),
			header: map[string]string{"Content-Length": strconv.Itoa(len(big) + len(snippet))},
		},
		{
			name:    "a page bigger than net/http's buffer is chunked, with no Content-Length",
			handler: htmlHandler(big),
			want:    injected(big),
			header:  map[string]string{"Content-Length": ""},
		},
		{
			name: "a strong ETag is made weak",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`)
				htmlHandler(small)(w, r)
			},
			want:   injected(small),
			header: map[string]string{"Etag": `W/"v1"`},
		},
		{
			name: "a weak ETag stays as it is",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `W/"v1"`)
				htmlHandler(small)(w, r)
			},
			want:   injected(small),
			header: map[string]string{"Etag": `W/"v1"`},
		},
		{
			name: "a page written in many small writes",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for i := range len(big) {
					w.Write([]byte{big[i]})
				}
			},
			want: injected(big),
		},
		{
			name: "a page with no Content-Type is sniffed, injected and labelled",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, big)
			},
			want:   injected(big),
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			ctype:  "text/html; charset=utf-8",
		},
		{
			name: "a short page with no Content-Type is sniffed when the handler returns",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, small)
			},
			want:   injected(small),
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			ctype:  "text/html; charset=utf-8",
		},
		{
			name: "an error page keeps its status",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, small)
			},
			want:   injected(small),
			status: http.StatusNotFound,
		},
		{
			name: "the first WriteHeader wins",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusCreated)
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, small)
			},
			want:   injected(small),
			status: http.StatusCreated,
		},
		{
			name: "headers changed after WriteHeader are not sent, as with net/http",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("X-Early", "1")
				w.WriteHeader(http.StatusOK)
				w.Header().Set("X-Late", "1")
				w.Header().Del("X-Early")
				io.WriteString(w, small)
			},
			want:   injected(small),
			header: map[string]string{"X-Early": "1", "X-Late": ""},
		},
		{
			name: "a page copied from a reader goes through ReadFrom",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.Copy(w, struct{ io.Reader }{strings.NewReader(big)})
			},
			want: injected(big),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.handler, respwriter.Options{}, nil)
			got := do(t, s.Server, request{})
			res := s.result(t)

			if string(got.body) != tt.want {
				t.Errorf("body\n got %q\nwant %q", got.body, tt.want)
			}
			if n := bytes.Count(got.body, []byte(snippet)); n != 1 {
				t.Errorf("snippet appears %d times", n)
			}
			status := cmp.Or(tt.status, http.StatusOK)
			if got.status != status || res.Status != status {
				t.Errorf("status %d, Result.Status %d, want %d", got.status, res.Status, status)
			}
			for k, v := range tt.header {
				if g := got.header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			if got.header.Get("Server-Timing") == "" || s.onHeader.Load() != 1 {
				t.Errorf("OnHeader ran %d times, Server-Timing %q", s.onHeader.Load(), got.header.Get("Server-Timing"))
			}
			if !res.Injected || res.NotInjected != "" {
				t.Errorf("Result = %+v, want injected", res)
			}
			if want := int64(len(tt.want) - len(snippet)); res.Size != want {
				t.Errorf("Result.Size = %d, want %d", res.Size, want)
			}
			if tt.ctype != "" && res.ContentType != tt.ctype {
				t.Errorf("Result.ContentType = %q, want %q", res.ContentType, tt.ctype)
			}
		})
	}
}

// TestPassesThrough serves each handler without the Writer and behind it,
// and wants the same status, headers, body and trailers, and the reason.
func TestPassesThrough(t *testing.T) {
	json := strings.Repeat(`{"id":1,"name":"a"},`, 5000)
	html := page(4 << 10)
	modtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		opts    respwriter.Options
		req     request
		reason  string
	}{
		{
			name: "JSON is byte-identical",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, json)
			},
			reason: "not html",
		},
		{
			name: "text with no Content-Type is sniffed as net/http does",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, strings.Repeat("plain text ", 200))
			},
			reason: "not html",
		},
		{
			name: "text with no Content-Type copied from a reader is sniffed, then handed to net/http's ReadFrom",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.Copy(w, struct{ io.Reader }{strings.NewReader(strings.Repeat("plain text ", 2000))})
			},
			reason: "not html",
		},
		{
			name: "a flush before any write sends the headers, with nothing sniffed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush()
				io.WriteString(w, "<html><body></body></html>")
			},
			reason: "streamed (flushed)",
		},
		{
			name: "a text with no Content-Type flushed is sniffed as net/http does",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "data: 1\n\n")
				w.(http.Flusher).Flush()
				io.WriteString(w, "data: 2\n\n")
			},
			reason: "not html",
		},
		{
			name: "a short text with no Content-Type is sniffed as net/http does",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "plain")
			},
			reason: "not html",
		},
		{
			name:    "a handler that writes nothing gets an empty 200",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			reason:  "not html",
		},
		{
			name: "a handler that only sets text/html and writes nothing gets no snippet",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusOK)
			},
			reason: "empty body",
		},
		{
			name:    "an HTML fragment, with no <html>, <body> or doctype, gets nothing",
			handler: htmlHandler(`<div hx-swap-oob="true"><p>partial</p></div>`),
			reason:  "fragment (no <html>, <body> or doctype)",
		},
		{
			name:    "a page with no <body> whose </body> is inside an <svg> gets nothing",
			handler: htmlHandler("<!DOCTYPE html><p><svg><path d=x/></body></html>"),
			reason:  "the body ends inside <svg> or <math>",
		},
		{
			name:    "a page with no <body> that ends inside an unclosed <textarea> gets nothing",
			handler: htmlHandler("<!DOCTYPE html><form><textarea></body></html>"),
			reason:  "the page ends inside <textarea>",
		},
		{
			name:    "a page whose Snippet returns no markup is untouched",
			handler: htmlHandler(html),
			opts:    respwriter.Options{Snippet: inserts("")},
			reason:  "empty snippet",
		},
		{
			name: "a br-encoded page passes through",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "br")
				w.Write([]byte{0x1b, 0x03, 0x00, 0xf8, 0x25, 0x00, 0xa2, 0x24})
			},
			reason: "encoding br",
		},
		{
			name:    "a HEAD request passes through",
			handler: htmlHandler(html),
			req:     request{method: http.MethodHead},
			reason:  "HEAD request",
		},
		{
			name: "a 304 with an ETag passes through",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotModified)
			},
			reason: "status 304",
		},
		{
			name: "a 204 passes through",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			},
			reason: "no body status",
		},
		{
			name: "a Range request to http.ServeContent gets its 206",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.ServeContent(w, r, "page.html", modtime, strings.NewReader(html))
			},
			req:    request{header: http.Header{"Range": {"bytes=10-99"}}},
			reason: "range response",
		},
		{
			name:    "an HTML body over MaxBody passes through untouched",
			handler: htmlHandler(html),
			opts:    respwriter.Options{MaxBody: 1 << 10},
			reason:  "body over cap",
		},
		{
			name: "an HTML body declared over MaxBody passes through at once",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(html)))
				htmlHandler(html)(w, r)
			},
			opts:   respwriter.Options{MaxBody: 1 << 10},
			reason: "body over cap",
		},
		{
			name: "a page with trailers passes through",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-Sum")
				htmlHandler(html)(w, r)
				w.Header().Set("X-Sum", "abc")
			},
			reason: "trailers",
		},
		{
			name: "JSON keeps the first of two statuses",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				w.WriteHeader(http.StatusInternalServerError)
				io.WriteString(w, "{}")
			},
			reason: "not html",
		},
		{
			name: "a page shorter than its Content-Length is left to net/http",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "10")
				htmlHandler("<p>")(w, r)
			},
			req:    request{short: true},
			reason: "content-length mismatch",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bare := bareServer(t, tt.handler)
			s := newServer(t, tt.handler, tt.opts, nil)

			want := do(t, bare, tt.req)
			got := do(t, s.Server, tt.req)
			res := s.result(t)

			if got.header.Get("Server-Timing") == "" || s.onHeader.Load() != 1 {
				t.Errorf("OnHeader ran %d times, Server-Timing %q", s.onHeader.Load(), got.header.Get("Server-Timing"))
			}
			sameResponse(t, got, want)
			if res.Injected || res.NotInjected != tt.reason {
				t.Errorf("Result = %+v, want not injected because %q", res, tt.reason)
			}
			if res.Status != want.status {
				t.Errorf("Result.Status = %d, want %d", res.Status, want.status)
			}
			if tt.req.method != http.MethodHead && res.Size != int64(len(want.body)) {
				t.Errorf("Result.Size = %d, want %d", res.Size, len(want.body))
			}
		})
	}
}

// sameResponse compares a response through the Writer with one without it,
// ignoring the Date and the header OnHeader adds.
func sameResponse(t *testing.T, got, want response) {
	t.Helper()
	if got.status != want.status {
		t.Errorf("status %d, want %d", got.status, want.status)
	}
	if !bytes.Equal(got.body, want.body) {
		t.Errorf("body differs: %d bytes, want %d\n got %.200q\nwant %.200q", len(got.body), len(want.body), got.body, want.body)
	}
	gh, wh := got.header.Clone(), want.header.Clone()
	for _, h := range []http.Header{gh, wh} {
		h.Del("Date")
		h.Del("Server-Timing")
	}
	if !reflect.DeepEqual(gh, wh) {
		t.Errorf("headers\n got %v\nwant %v", gh, wh)
	}
	if got.readErr != want.readErr {
		t.Errorf("reading the body: %q, want %q", got.readErr, want.readErr)
	}
	if !reflect.DeepEqual(got.trailer, want.trailer) {
		t.Errorf("trailers %v, want %v", got.trailer, want.trailer)
	}
}

func TestGzip(t *testing.T) {
	html := page(8 << 10)
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, s)
		zw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name     string
		body     []byte
		length   bool // the app sets Content-Length
		injected bool
		reason   string
	}{
		{name: "a gzip page is decoded, injected and encoded again", body: gz(html), injected: true},
		{name: "a gzip page with a Content-Length gets the new one", body: gz(html), length: true, injected: true},
		{name: "an undecodable gzip body passes through untouched", body: []byte("not gzip at all"), reason: "undecodable gzip"},
		{name: "a gzip body with trailing garbage passes through untouched", body: append(gz(html), "junk"...), reason: "undecodable gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Vary", "Accept-Encoding")
				if tt.length {
					w.Header().Set("Content-Length", strconv.Itoa(len(tt.body)))
				}
				w.Write(tt.body)
			}), respwriter.Options{}, nil)

			// Go's transport decodes only when it asked for gzip itself.
			got := do(t, s.Server, request{header: http.Header{"Accept-Encoding": {"gzip"}}})
			res := s.result(t)

			if ce := got.header.Get("Content-Encoding"); ce != "gzip" {
				t.Errorf("Content-Encoding %q, want gzip", ce)
			}
			if res.Injected != tt.injected || res.NotInjected != tt.reason {
				t.Errorf("Result = %+v, want injected %v, reason %q", res, tt.injected, tt.reason)
			}
			if !tt.injected {
				if !bytes.Equal(got.body, tt.body) {
					t.Errorf("body changed: %q, want %q", got.body, tt.body)
				}
				return
			}
			zr, err := gzip.NewReader(bytes.NewReader(got.body))
			if err != nil {
				t.Fatalf("the client got no valid gzip: %v", err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("the client got no valid gzip: %v", err)
			}
			if string(plain) != injected(html) {
				t.Errorf("decoded body\n got %.300q\nwant %.300q", plain, injected(html))
			}
			if tt.length && got.header.Get("Content-Length") != strconv.Itoa(len(got.body)) {
				t.Errorf("Content-Length %q for %d bytes", got.header.Get("Content-Length"), len(got.body))
			}
		})
	}
}

// readFromRecorder is an inner writer that counts ReadFrom calls, to see
// that a file's body reaches net/http's sendfile path.
type readFromRecorder struct {
	http.ResponseWriter
	calls atomic.Int32
}

func (w *readFromRecorder) ReadFrom(r io.Reader) (int64, error) {
	w.calls.Add(1)
	return w.ResponseWriter.(io.ReaderFrom).ReadFrom(r)
}

func (w *readFromRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestServeContent(t *testing.T) {
	dir := t.TempDir()
	html := page(20 << 10)
	css := strings.Repeat("body { color: red }\n", 2000)
	for name, body := range map[string]string{"page.html": html, "style.css": css} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		file      string
		want      string
		injected  bool
		reason    string
		readFroms bool // the inner writer's ReadFrom was used
	}{
		{name: "an HTML file is injected with its Content-Length corrected", file: "page.html", want: injected(html), injected: true},
		{name: "a CSS file reaches the inner ReadFrom, for sendfile", file: "style.css", want: css, reason: "not html", readFroms: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec *readFromRecorder
			s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f, err := os.Open(filepath.Join(dir, tt.file))
				if err != nil {
					t.Error(err)
					return
				}
				defer f.Close()
				fi, _ := f.Stat()
				http.ServeContent(w, r, tt.file, fi.ModTime(), f)
			}), respwriter.Options{}, func(w http.ResponseWriter) http.ResponseWriter {
				rec = &readFromRecorder{ResponseWriter: w}
				return rec
			})
			got := do(t, s.Server, request{})
			res := s.result(t)

			if string(got.body) != tt.want {
				t.Errorf("body differs: %d bytes, want %d", len(got.body), len(tt.want))
			}
			if cl := got.header.Get("Content-Length"); cl != strconv.Itoa(len(tt.want)) {
				t.Errorf("Content-Length %q, want %d", cl, len(tt.want))
			}
			if res.Injected != tt.injected || res.NotInjected != tt.reason {
				t.Errorf("Result = %+v, want injected %v, reason %q", res, tt.injected, tt.reason)
			}
			if n := rec.calls.Load(); (n > 0) != tt.readFroms {
				t.Errorf("inner ReadFrom called %d times", n)
			}
		})
	}
}

func TestStreaming(t *testing.T) {
	flushers := []struct {
		name  string
		flush func(w http.ResponseWriter) error
	}{
		{"http.Flusher", func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil }},
		{"http.ResponseController", func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() }},
	}
	types := []struct {
		name, ctype, first, second, reason string
	}{
		{"server-sent events", "text/event-stream", "data: one\n\n", "data: two\n\n", "not html"},
		{"an HTML page streamed in two parts", "text/html", "<html><head></head>\n", "<body>b</body></html>\n", "streamed (flushed)"},
	}
	for _, f := range flushers {
		for _, ty := range types {
			t.Run(ty.name+" flushed through "+f.name+" arrive before the handler finishes", func(t *testing.T) {
				release := make(chan struct{})
				s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", ty.ctype)
					io.WriteString(w, ty.first)
					if err := f.flush(w); err != nil {
						t.Errorf("flush: %v", err)
					}
					select {
					case <-release:
					case <-r.Context().Done():
						return
					}
					io.WriteString(w, ty.second)
				}), respwriter.Options{}, nil)
				t.Cleanup(func() {
					select {
					case <-release:
					default:
						close(release)
					}
				})

				resp, err := rawClient(s.Server).Get(s.URL)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				first := make([]byte, len(ty.first))
				if _, err := io.ReadFull(resp.Body, first); err != nil {
					t.Fatalf("reading the first part: %v", err)
				}
				if string(first) != ty.first {
					t.Fatalf("first part %q, want %q", first, ty.first)
				}
				close(release)
				rest, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				if string(rest) != ty.second {
					t.Errorf("second part %q, want %q", rest, ty.second)
				}
				res := s.result(t)
				if res.Injected || res.NotInjected != ty.reason {
					t.Errorf("Result = %+v, want reason %q", res, ty.reason)
				}
				if n := s.onHeader.Load(); n != 1 {
					t.Errorf("OnHeader ran %d times", n)
				}
			})
		}
	}
}

func TestHijack(t *testing.T) {
	tests := []struct {
		name   string
		hijack func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error)
	}{
		{"a handler asserting http.Hijacker", func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
			return w.(http.Hijacker).Hijack()
		}},
		{"a handler using http.ResponseController", func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
			return http.NewResponseController(w).Hijack()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" gets the connection", func(t *testing.T) {
			s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c, brw, err := tt.hijack(w)
				if err != nil {
					t.Errorf("hijack: %v", err)
					return
				}
				defer c.Close()
				brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
				brw.Flush()
				line, _ := brw.ReadString('\n')
				brw.WriteString("echo: " + line)
				brw.Flush()
			}), respwriter.Options{}, nil)

			c, err := net.Dial("tcp", s.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("status %d, want 101", resp.StatusCode)
			}
			io.WriteString(c, "ping\n")
			line, err := br.ReadString('\n')
			if err != nil || line != "echo: ping\n" {
				t.Fatalf("read %q, %v; want the echo", line, err)
			}
			res := s.result(t)
			if res.Injected || res.NotInjected != "hijacked" || res.Status != 0 {
				t.Errorf("Result = %+v, want hijacked with no status", res)
			}
			if n := s.onHeader.Load(); n != 0 {
				t.Errorf("OnHeader ran %d times for a hijacked connection", n)
			}
		})
	}
}

func TestHijackUnsupported(t *testing.T) {
	rec := httptest.NewRecorder() // no Hijacker
	w := respwriter.New(rec, httptest.NewRequest("GET", "/", nil), respwriter.Options{
		Snippet: inserts(snippet),
	})
	w.Header().Set("Content-Type", "text/html")
	io.WriteString(w, "<body></body>")
	if _, _, err := w.Hijack(); !errors.Is(err, http.ErrNotSupported) {
		t.Fatalf("Hijack error %v, want http.ErrNotSupported", err)
	}
	if res := w.Finish(); !res.Injected {
		t.Errorf("after a failed Hijack, Result = %+v, want injected", res)
	}
	if got := rec.Body.String(); got != snippet+"<body></body>" {
		t.Errorf("body %q", got)
	}
}

func TestResponseController(t *testing.T) {
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		deadline := time.Now().Add(time.Minute)
		for name, err := range map[string]error{
			"SetWriteDeadline": rc.SetWriteDeadline(deadline),
			"SetReadDeadline":  rc.SetReadDeadline(deadline),
			"EnableFullDuplex": rc.EnableFullDuplex(),
		} {
			if err != nil {
				t.Errorf("%s through the Writer: %v", name, err)
			}
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush through the Writer: %v", err)
		}
	}), respwriter.Options{}, nil)
	got := do(t, s.Server, request{})
	s.result(t)
	if string(got.body) != "ok" {
		t.Errorf("body %q", got.body)
	}
}

func TestEarlyHints(t *testing.T) {
	html := "<html><body>hi</body></html>"
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, html)
	}), respwriter.Options{}, nil)

	var hints []textproto.MIMEHeader
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			if code == http.StatusEarlyHints {
				hints = append(hints, h)
			}
			return nil
		},
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL, nil)
	resp, err := rawClient(s.Server).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	res := s.result(t)

	if len(hints) != 1 || hints[0].Get("Link") == "" {
		t.Errorf("103 responses %v, want one with its Link", hints)
	}
	if resp.StatusCode != http.StatusOK || string(body) != injected(html) {
		t.Errorf("final response %d %q, want 200 with the snippet", resp.StatusCode, body)
	}
	if !res.Injected || res.Status != http.StatusOK {
		t.Errorf("Result = %+v", res)
	}
	if n := s.onHeader.Load(); n != 1 {
		t.Errorf("OnHeader ran %d times, want once (not for the 103)", n)
	}
}

// recoverer is the app's own panic recovery, outside the toolbar, as chi's
// Recoverer: it answers 500 when nothing was sent yet.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func TestAbort(t *testing.T) {
	html := page(1 << 10)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		onHeader int32
	}{
		{
			name: "an HTML page written before a panic is sent unmodified",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, html)
				panic("boom")
			},
			onHeader: 1,
		},
		{
			name: "a page with no Content-Type written before a panic is sniffed as net/http would",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "<p>")
				panic("boom")
			},
			onHeader: 1,
		},
		{
			name: "a panic before anything was written leaves the app's recovery its 500",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				panic("boom")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bare := bareServer(t, recoverer(tt.handler))
			inner := newServer(t, tt.handler, respwriter.Options{}, nil)
			s := bareServer(t, recoverer(inner.Config.Handler))

			want := do(t, bare, request{})
			got := do(t, s, request{})
			res := inner.result(t)

			sameResponse(t, got, want)
			if res.Injected {
				t.Errorf("Result = %+v, want not injected", res)
			}
			if n := inner.onHeader.Load(); n != tt.onHeader {
				t.Errorf("OnHeader ran %d times, want %d", n, tt.onHeader)
			}
		})
	}
}

func TestToolbarErrors(t *testing.T) {
	html := page(2 << 10)
	tests := []struct {
		name string
		opts respwriter.Options
	}{
		{"a Snippet that panics", respwriter.Options{Snippet: func(respwriter.Page) (respwriter.Injection, error) { panic("snippet bug") }}},
		{"an OnHeader that panics", respwriter.Options{OnHeader: func(http.Header) { panic("hook bug") }}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" leaves the page untouched", func(t *testing.T) {
			s := newServer(t, htmlHandler(html), tt.opts, nil)
			got := do(t, s.Server, request{})
			res := s.result(t)
			if got.status != http.StatusOK || string(got.body) != html {
				t.Errorf("got %d %.100q, want the original page", got.status, got.body)
			}
			if res.Injected || !strings.HasPrefix(res.NotInjected, "toolbar error") {
				t.Errorf("Result = %+v, want a toolbar error", res)
			}
		})
	}
}

func TestWritePastContentLength(t *testing.T) {
	handler := func(errs chan<- error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", "5")
			_, err := io.WriteString(w, "<p>hi</p>")
			errs <- err
		}
	}
	bareErr, gotErr := make(chan error, 1), make(chan error, 1)
	bare := bareServer(t, handler(bareErr))
	s := newServer(t, handler(gotErr), respwriter.Options{}, nil)

	rawClient(bare).Get(bare.URL)
	rawClient(s.Server).Get(s.URL)
	if want, got := <-bareErr, <-gotErr; got != want {
		t.Errorf("Write past Content-Length returned %v, net/http returns %v", got, want)
	}
}

// discardWriter is an inner writer with no cost of its own.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }

func (w *discardWriter) WriteString(s string) (int, error) { return len(s), nil }
func (w *discardWriter) Flush()                            {}

func TestHeaderIsTheInnerMap(t *testing.T) {
	inner := &discardWriter{h: http.Header{}}
	w := respwriter.New(inner, httptest.NewRequest("GET", "/", nil), respwriter.Options{})
	w.Header().Set("X-A", "1")
	if inner.h.Get("X-A") != "1" {
		t.Error("a header set through the Writer is not in the inner map")
	}
}

func TestPassThroughWritesDoNotAllocate(t *testing.T) {
	inner := &discardWriter{h: http.Header{"Content-Type": {"application/json"}}}
	w := respwriter.New(inner, httptest.NewRequest("GET", "/", nil), respwriter.Options{
		Snippet: inserts(snippet),
	})
	w.WriteHeader(http.StatusOK)
	p := []byte(`{"a":1}`)
	if n := testing.AllocsPerRun(100, func() { w.Write(p) }); n != 0 {
		t.Errorf("Write allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { io.WriteString(w, `{"a":1}`) }); n != 0 {
		t.Errorf("WriteString allocates %v times per call", n)
	}
}

// hijackRecorder is a recorder that can hand over one end of a pipe.
type hijackRecorder struct {
	*httptest.ResponseRecorder
	conn net.Conn
}

func (w *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, bufio.NewReadWriter(bufio.NewReader(w.conn), bufio.NewWriter(w.conn)), nil
}

func TestHijackAfterWrites(t *testing.T) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	rec := &hijackRecorder{ResponseRecorder: httptest.NewRecorder(), conn: c1}
	w := respwriter.New(rec, httptest.NewRequest("GET", "/", nil), respwriter.Options{
		Snippet: inserts(snippet),
	})
	w.Header().Set("Content-Type", "text/html")
	io.WriteString(w, "<body>held")
	c, _, err := w.Hijack()
	if err != nil || c != c1 {
		t.Fatalf("Hijack = %v, %v", c, err)
	}
	if got := rec.Body.String(); got != "<body>held" || rec.Code != http.StatusOK {
		t.Errorf("before handing over the connection, the inner writer got %d %q, want the held bytes", rec.Code, got)
	}
	if res := w.Finish(); res.Injected || res.NotInjected != "hijacked" || res.Status != http.StatusOK {
		t.Errorf("Result = %+v", res)
	}
}

func TestInvalidStatusPanicsInTheHandler(t *testing.T) {
	w := respwriter.New(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), respwriter.Options{})
	defer func() {
		if p := recover(); p == nil {
			t.Error("WriteHeader(42) did not panic, as net/http's does")
		}
	}()
	w.WriteHeader(42)
}

func TestHTTP2(t *testing.T) {
	html := page(8 << 10)
	hijackErr := make(chan error, 1)
	s := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, err := http.NewResponseController(w).Hijack()
		hijackErr <- err
		w.Header().Set("Content-Type", "text/html")
		io.Copy(w, struct{ io.Reader }{strings.NewReader(html)}) // no ReadFrom on h2's writer
	}), respwriter.Options{}, nil, true)

	resp, err := rawClient(s.Server).Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	res := s.result(t)
	if resp.ProtoMajor != 2 {
		t.Fatalf("served over %s, want HTTP/2", resp.Proto)
	}
	if err := <-hijackErr; !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("Hijack over HTTP/2: %v, want http.ErrNotSupported", err)
	}
	if string(body) != injected(html) || !res.Injected {
		t.Errorf("Result = %+v, body injected: %v", res, string(body) == injected(html))
	}
}

func TestFragmentRequestsAreNotInjected(t *testing.T) {
	for _, c := range []struct{ header, value, reason string }{
		{"HX-Request", "true", "htmx request"},
		{"Sec-Fetch-Dest", "empty", "not a page navigation"},
	} {
		t.Run(c.header, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set(c.header, c.value)
			rec := httptest.NewRecorder()
			w := respwriter.New(rec, r, respwriter.Options{Snippet: inserts("<x>")})
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<p>fragment</p>"))
			res := w.Finish()
			if rec.Body.String() != "<p>fragment</p>" || res.Injected || res.NotInjected != c.reason {
				t.Errorf("body %q, result %+v", rec.Body.String(), res)
			}
		})
	}
	t.Run("a navigation is injected", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Sec-Fetch-Dest", "document")
		rec := httptest.NewRecorder()
		w := respwriter.New(rec, r, respwriter.Options{Snippet: inserts("<x>")})
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<body>page</body>"))
		if res := w.Finish(); !res.Injected {
			t.Errorf("result %+v", res)
		}
	})
}

// renderTempl writes page as a templ component's Render does with templ's
// runtime: through a 4 KB buffer, flushed, with the writer's Flush, when the
// top-level component returns.
func renderTempl(w io.Writer, page string) error {
	buf, nested := templruntime.GetBuffer(w)
	if !nested {
		defer templruntime.ReleaseBuffer(buf)
	}
	_, err := buf.WriteString(page)
	return err
}

func TestFlushedPages(t *testing.T) {
	small := "<!DOCTYPE html>\n<html><body><p>hi</p></body></html>\n"
	big := page(10 << 10)
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, s)
		zw.Close()
		return b.Bytes()
	}
	flush := func(w http.ResponseWriter) { w.(http.Flusher).Flush() }
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // the body the client gets, decoded
		reason  string // "" when injected
	}{
		{
			name: "a page rendered by templ's runtime, flushed at its end, is injected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				renderTempl(w, big)
			},
			want: injected(big),
		},
		{
			name:    "a small templ page with no Content-Type is sniffed and injected",
			handler: func(w http.ResponseWriter, r *http.Request) { renderTempl(w, small) },
			want:    injected(small),
		},
		{
			name: "a complete page flushed through http.ResponseController is injected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				http.NewResponseController(w).Flush()
			},
			want: injected(small),
		},
		{
			name: "a complete page flushed twice is injected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				flush(w)
				flush(w)
			},
			want: injected(small),
		},
		{
			name: "a complete page with a comment after </html> is injected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small+"<!-- rendered in 2 ms -->\n")
				flush(w)
			},
			want: injected(small + "<!-- rendered in 2 ms -->\n"),
		},
		{
			name: "a complete gzip page flushed at its end is injected",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gz(big))
				flush(w)
			},
			want: injected(big),
		},
		{
			name: "a page flushed before its end streams",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><head></head>")
				flush(w)
				io.WriteString(w, "<body></body></html>")
			},
			want:   "<html><head></head><body></body></html>",
			reason: "streamed (flushed)",
		},
		{
			name: "a page flushed with </html> in a comment streams",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><body><!-- </html>")
				flush(w)
				io.WriteString(w, " --></body></html>")
			},
			want:   "<html><body><!-- </html> --></body></html>",
			reason: "streamed (flushed)",
		},
		{
			name: "a write after a flushed complete page streams all of it",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				flush(w)
				io.WriteString(w, "<p>more</p>")
				flush(w)
				w.Write([]byte("<p>and more</p>"))
			},
			want:   small + "<p>more</p><p>and more</p>",
			reason: "streamed (flushed)",
		},
		{
			name: "a copy after a flushed complete page streams all of it",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				flush(w)
				io.Copy(w, struct{ io.Reader }{strings.NewReader(big)})
			},
			want:   small + big,
			reason: "streamed (flushed)",
		},
		{
			name: "an empty write after a flushed complete page changes nothing",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				flush(w)
				w.Write(nil)
			},
			want: injected(small),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.handler, respwriter.Options{}, nil)
			c := s.Client()
			c.Timeout = 5 * time.Second
			resp, err := c.Get(s.URL) // decodes gzip
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			res := s.result(t)
			if string(body) != tt.want {
				t.Errorf("body\n got %.300q\nwant %.300q", body, tt.want)
			}
			if res.Injected != (tt.reason == "") || res.NotInjected != tt.reason {
				t.Errorf("Result = %+v, want reason %q", res, tt.reason)
			}
			if n := s.onHeader.Load(); n != 1 {
				t.Errorf("OnHeader ran %d times", n)
			}
		})
	}
}

// TestStreamingAfterACompletePage is TestStreaming for a handler that
// flushes a whole page and then keeps writing: the page arrives as soon as
// the handler writes more, before the handler finishes.
func TestStreamingAfterACompletePage(t *testing.T) {
	first := "<!DOCTYPE html><html><body>one</body></html>\n"
	release := make(chan struct{})
	s := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		io.WriteString(w, "<!-- two -->")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "<!-- three -->")
	}), respwriter.Options{}, nil)
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	resp, err := rawClient(s.Server).Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := make([]byte, len(first)+len("<!-- two -->"))
	if _, err := io.ReadFull(resp.Body, got); err != nil {
		t.Fatalf("reading the first parts: %v", err)
	}
	if string(got) != first+"<!-- two -->" {
		t.Fatalf("first parts %q", got)
	}
	close(release)
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "<!-- three -->" {
		t.Errorf("rest %q, %v", rest, err)
	}
	if res := s.result(t); res.Injected || res.NotInjected != "streamed (flushed)" {
		t.Errorf("Result = %+v", res)
	}
}
