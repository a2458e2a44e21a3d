package respwriter_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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
// the app, flushed at its end (templ's Render), with attributes on every
// tag, and in 1 KB writes (a template executed straight into the writer).
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
	b.Run("write=once+flush", func(b *testing.B) {
		// templ's Render: the page, then one flush at its end.
		benchServe(b, len(html), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(html)
			w.(http.Flusher).Flush()
		})
	})
	attrs := []byte(attributePage(100 << 10))
	b.Run("write=once,page=attributes", func(b *testing.B) {
		benchServe(b, len(attrs), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(attrs)
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

// attributePage is an HTML page of about n bytes whose tags have quoted
// attributes, as a real page's table rows do.
func attributePage(n int) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Orders</title></head><body class="page"><table>`)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `<tr class="row" data-id="%d"><td><a href="/orders/%d" title="Order %d">Order #%d</a></td><td class="num">%d.50 EUR</td></tr>`+"\n", i, i, i, i, i*3)
	}
	b.WriteString("</table></body></html>\n")
	return b.String()
}
