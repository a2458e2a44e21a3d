package respwriter_test

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// rawGet sends a GET over a connection of its own and returns every byte
// the server sent until it closed the connection, with the Date and
// Server-Timing header lines removed.
func rawGet(t *testing.T, url string) []byte {
	t.Helper()
	addr := strings.TrimPrefix(url, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", addr)
	b, err := io.ReadAll(c)
	if err != nil && !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("reading the response: %v", err)
	}
	if len(b) == 0 {
		return nil
	}
	head, body, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	var out bytes.Buffer
	for line := range bytes.SplitSeq(head, []byte("\r\n")) {
		if !bytes.HasPrefix(line, []byte("Date: ")) && !bytes.HasPrefix(line, []byte("Server-Timing: ")) {
			out.Write(line)
			out.WriteString("\r\n")
		}
	}
	out.WriteString("\r\n")
	out.Write(body)
	return out.Bytes()
}

// TestPanicSendsWhatNetHTTPWould serves handlers that panic after writing,
// without the Writer and behind it, and wants the client to receive the
// same bytes on the wire: net/http drops what its buffers still hold when
// a panic reaches it, so what goes out depends on how the handler wrote
// (each Write, WriteString, ReadFrom and Flush), not only on what.
func TestPanicSendsWhatNetHTTPWould(t *testing.T) {
	html := page(3 << 10)
	small := page(1 << 10)
	json := strings.Repeat(`{"id":1,"name":"a"},`, 150)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		opts    respwriter.Options
		reason  string // NotInjected when the panic came after the decision
	}{
		{
			name: "a page in 100-byte writes",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for p := []byte(html); len(p) > 0; {
					n := min(len(p), 100)
					w.Write(p[:n])
					p = p[n:]
				}
				panic("boom")
			},
		},
		{
			name: "a page in one WriteString",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, html)
				panic("boom")
			},
		},
		{
			name: "a page in one Write",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte(html))
				panic("boom")
			},
		},
		{
			name: "a page with its Content-Length in 100-byte writes",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Length", strconv.Itoa(len(html)))
				for s := html; len(s) > 0; {
					n := min(len(s), 100)
					io.WriteString(w, s[:n])
					s = s[n:]
				}
				panic("boom")
			},
		},
		{
			name: "a page with no Content-Type in 100-byte writes",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for s := html; len(s) > 0; {
					n := min(len(s), 100)
					io.WriteString(w, s[:n])
					s = s[n:]
				}
				panic("boom")
			},
		},
		{
			name: "a page copied from a reader",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.Copy(w, struct{ io.Reader }{strings.NewReader(small)})
				panic("boom")
			},
		},
		{
			name: "a small complete page flushed at its end",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				renderTempl(w, small)
				panic("boom")
			},
		},
		{
			name: "a small complete page flushed at its end and written to after",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				renderTempl(w, small)
				io.WriteString(w, "<!-- more -->")
				panic("boom")
			},
			reason: "streamed (flushed)",
		},
		{
			name: "JSON with no Content-Type in one Write",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(json))
				panic("boom")
			},
			reason: "not html",
		},
		{
			name: "JSON with no Content-Type copied from a reader",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.Copy(w, struct{ io.Reader }{strings.NewReader(json)})
				panic("boom")
			},
			reason: "not html",
		},
		{
			name: "a page over the cap in 100-byte writes",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for s := html; len(s) > 0; {
					n := min(len(s), 100)
					io.WriteString(w, s[:n])
					s = s[n:]
				}
				panic("boom")
			},
			opts:   respwriter.Options{MaxBody: 1000},
			reason: "body over cap",
		},
		{
			name: "a page over the cap copied from a reader",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.Copy(w, struct{ io.Reader }{strings.NewReader(html)})
				panic("boom")
			},
			opts:   respwriter.Options{MaxBody: 1000},
			reason: "body over cap",
		},
		{
			name: "a small page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, small)
				panic("boom")
			},
		},
	}
	for _, tt := range tests {
		for _, recovered := range []bool{false, true} {
			name := tt.name + " then a panic that reaches net/http"
			wrap := func(h http.Handler) http.Handler { return h }
			if recovered {
				name = tt.name + " then a panic the app recovers from"
				wrap = recoverer
			}
			t.Run(name, func(t *testing.T) {
				bare := bareServer(t, wrap(tt.handler))
				inner := newServer(t, tt.handler, tt.opts, nil)
				s := bareServer(t, wrap(inner.Config.Handler))

				want := rawGet(t, bare.URL)
				got := rawGet(t, s.URL)
				res := inner.result(t)

				if !bytes.Equal(got, want) {
					t.Errorf("the client received %d bytes, want %d\n got %q\nwant %q", len(got), len(want), clip(got), clip(want))
				}
				reason := cmp.Or(tt.reason, "handler panicked")
				if res.Injected || res.NotInjected != reason {
					t.Errorf("Result = %+v, want not injected because %q", res, reason)
				}
			})
		}
	}
}

// clip is the start and the end of a long response.
func clip(b []byte) string {
	if len(b) <= 400 {
		return string(b)
	}
	return string(b[:300]) + " ... " + string(b[len(b)-100:])
}
