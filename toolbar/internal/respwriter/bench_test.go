package respwriter_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// benchServe runs handler on an inner writer that costs nothing, bare and
// behind the Writer, so the figures are the Writer's own cost. Compare with
// benchstat -col /path.
func benchServe(b *testing.B, size int, handler http.HandlerFunc) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	inner := &discardWriter{h: http.Header{}}
	opts := respwriter.Options{
		Snippet:  inserts(snippet),
		OnHeader: func(http.Header) {},
	}
	b.Run("path=bare", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(size))
		for b.Loop() {
			clear(inner.h)
			handler(inner, req)
		}
	})
	b.Run("path=wrapped", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(size))
		for b.Loop() {
			clear(inner.h)
			w := respwriter.New(inner, req, opts)
			handler(w, req)
			w.Finish()
		}
	})
}

// BenchmarkPassThrough is a 100 KB JSON body: decided at WriteHeader, then
// every Write goes straight to the inner writer.
func BenchmarkPassThrough(b *testing.B) {
	body := bytes.Repeat([]byte(`{"id":12345,"name":"a name"},`), 100<<10/29)
	benchServe(b, len(body), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

// BenchmarkInject is a 100 KB HTML page, held and injected: written at once
// (a page rendered into a buffer), with its Content-Length, gzip-encoded by
// the app, and in 1 KB writes (a template executed straight into the
// writer).
func BenchmarkInject(b *testing.B) {
	html := []byte(page(100 << 10))
	b.Run("write=once", func(b *testing.B) {
		benchServe(b, len(html), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(html)
		})
	})
	b.Run("write=once+length", func(b *testing.B) {
		benchServe(b, len(html), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(html)))
			w.Write(html)
		})
	})
	b.Run("encoding=gzip", func(b *testing.B) {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(html)
		zw.Close()
		benchServe(b, len(html), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z.Bytes())
		})
	})
	b.Run("write=1KB", func(b *testing.B) {
		benchServe(b, len(html), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			for p := html; len(p) > 0; {
				n := min(len(p), 1<<10)
				w.Write(p[:n])
				p = p[n:]
			}
		})
	})
}
