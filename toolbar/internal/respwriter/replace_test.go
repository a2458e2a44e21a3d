package respwriter_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

const errorPage = "<!DOCTYPE html>\n<html><head><title>stopped</title></head><body><h1>stopped</h1></body></html>\n"

// replaces is a Replace that serves errorPage with status 500, counting
// its calls.
func replaces(calls *int) func(respwriter.Page) (respwriter.Replacement, bool) {
	return func(p respwriter.Page) (respwriter.Replacement, bool) {
		*calls++
		return respwriter.Replacement{Status: http.StatusInternalServerError, Body: []byte(errorPage),
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": nil}}, true
	}
}

func TestReplaceServesItsPageWithTheSnippetOnlyForPagesTheWriterHolds(t *testing.T) {
	app := page(2000)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		replaced bool
	}{
		{"a whole page with a Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", strconv.Itoa(len(app)))
			w.Header().Set("Etag", `"v1"`)
			io.WriteString(w, app)
		}, true},
		{"a whole page without one", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(app[:100]))
			w.Write([]byte(app[100:]))
		}, true},
		{"a gzip page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, app)
			zw.Close()
		}, true},
		{"a streamed page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, app[:100])
			w.(http.Flusher).Flush()
			io.WriteString(w, app[100:])
		}, false},
		{"JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"a":1}`)
		}, false},
		{"a fragment", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<li>one</li>")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			s := newServer(t, tt.handler, respwriter.Options{Replace: replaces(&calls)}, nil)
			got := do(t, s.Server, request{})
			res := s.result(t)
			if !tt.replaced {
				if calls != 0 || res.Replaced || got.status != http.StatusOK {
					t.Errorf("Replace called %d times, Replaced %v, status %d", calls, res.Replaced, got.status)
				}
				return
			}
			if calls != 1 || !res.Replaced || !res.Injected || res.Status != http.StatusInternalServerError {
				t.Fatalf("Replace called %d times, result %+v", calls, res)
			}
			if got.status != http.StatusInternalServerError || string(got.body) != injected(errorPage) {
				t.Errorf("served %d %q", got.status, got.body)
			}
			if ce, et := got.header.Get("Content-Encoding"), got.header.Get("Etag"); ce != "" || et != "" {
				t.Errorf("Content-Encoding %q, Etag %q kept", ce, et)
			}
			if got.header.Get("Server-Timing") == "" {
				t.Error("OnHeader's header is missing")
			}
		})
	}
}

func TestAReplaceThatDeclinesOrPanicsServesTheAppsPage(t *testing.T) {
	app := page(500)
	h := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, app)
	}
	for name, replace := range map[string]func(respwriter.Page) (respwriter.Replacement, bool){
		"declines": func(respwriter.Page) (respwriter.Replacement, bool) { return respwriter.Replacement{}, false },
		"panics":   func(respwriter.Page) (respwriter.Replacement, bool) { panic("boom") },
		"is empty": func(respwriter.Page) (respwriter.Replacement, bool) { return respwriter.Replacement{Status: 500}, true },
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, http.HandlerFunc(h), respwriter.Options{Replace: replace}, nil)
			got := do(t, s.Server, request{})
			res := s.result(t)
			want := injected(app)
			if name != "declines" {
				want = app
			}
			if got.status != http.StatusOK || !bytes.Equal(got.body, []byte(want)) || res.Replaced {
				t.Errorf("served %d %q, result %+v", got.status, got.body, res)
			}
		})
	}
}
