package routers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Chi mounts the toolbar inside chi, as the first of its middlewares; the
// route pattern is chi's.
func Chi(tb *toolbar.Toolbar) http.Handler {
	r := chi.NewRouter()
	r.Use(tb.Middleware)
	r.Get("/posts/{id}", func(w http.ResponseWriter, r *http.Request) { writePage(w, chi.URLParam(r, "id")) })
	r.Get("/teapot", teapot)
	return r
}

// ChiOutside wraps the whole chi router: the toolbar hands chi the routing
// context chi fills, so the pattern is recorded here too.
func ChiOutside(tb *toolbar.Toolbar) http.Handler {
	r := chi.NewRouter()
	r.Get("/posts/{id}", func(w http.ResponseWriter, r *http.Request) { writePage(w, chi.URLParam(r, "id")) })
	r.Get("/teapot", teapot)
	return tb.Middleware(r)
}

// ServeMux wraps an http.ServeMux, which sets r.Pattern on the request the
// toolbar handed it.
func ServeMux(tb *toolbar.Toolbar) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts/{id}", func(w http.ResponseWriter, r *http.Request) { writePage(w, r.PathValue("id")) })
	mux.HandleFunc("GET /teapot", teapot)
	return tb.Middleware(mux)
}

func teapot(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "short and stout", http.StatusTeapot)
}
