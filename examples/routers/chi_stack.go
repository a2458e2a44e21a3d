package routers

import (
	"io"
	"net/http"

	"github.com/andybalholm/brotli"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// ChiStack puts the toolbar first, in front of chi's usual middleware in
// its usual order. First, because RealIP rewrites r.RemoteAddr from
// headers any client can send: in front of it, the toolbar judges the
// client by the connection's own address (and Config.TrustedProxies).
// Compression inside the toolbar is fine: for observed requests it is
// offered only gzip, which the toolbar decodes, injects into and encodes
// again. compress is middleware.Compress(5), or Brotli's Handler.
func ChiStack(tb *toolbar.Toolbar, compress func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(tb.Middleware)
	//lint:ignore SA1019 chi's usual stack, as apps have it: RealIP is deprecated, not gone
	r.Use(middleware.RequestID, middleware.RealIP, middleware.Logger, middleware.Recoverer, compress)
	stackRoutes(r)
	return r
}

// ChiStackToolbarLast puts the toolbar after compression instead, which
// also injects (the toolbar sees the page before it is compressed) but
// trusts the address RealIP rewrote.
func ChiStackToolbarLast(tb *toolbar.Toolbar, compress func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	//lint:ignore SA1019 chi's usual stack, as apps have it
	r.Use(middleware.RequestID, middleware.RealIP, middleware.Logger, middleware.Recoverer, compress)
	r.Use(tb.Middleware)
	stackRoutes(r)
	return r
}

// Brotli is chi's compressor with a br encoder registered, which it
// prefers to gzip and deflate; chi has none of its own.
func Brotli() *middleware.Compressor {
	c := middleware.NewCompressor(5)
	c.SetEncoder("br", func(w io.Writer, level int) io.Writer { return brotli.NewWriterV2(w, level) })
	return c
}

func stackRoutes(r chi.Router) {
	r.Get("/posts/{id}", func(w http.ResponseWriter, r *http.Request) { writePage(w, chi.URLParam(r, "id")) })
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("the app's own bug") })
}
