package otelbench_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPage serves the 100 KB page that runs 20 queries bare, under
// OpenTelemetry and under the toolbar, in one run so the figures are ratios.
// On a busy machine, where ns/op swings, count instructions instead: run the
// test binary under GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind
// with -test.benchtime Nx for two N and divide the difference by theirs.
func BenchmarkPage(b *testing.B) {
	otelH, _ := otelStack(b)
	toolbarH, _ := toolbarStack(b)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"stack=bare", bareStack(b)}, {"stack=otel", otelH}, {"stack=toolbar", toolbarH}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var body bytes.Buffer
			for b.Loop() {
				r := httptest.NewRequestWithContext(context.Background(), "GET", "/", nil)
				r.RemoteAddr = "127.0.0.1:52000"
				w := httptest.NewRecorder()
				w.Body = &body
				body.Reset()
				c.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, body.Bytes())
				}
			}
		})
	}
}
