package routers

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// Gorilla wraps the gorilla/mux router from outside, since gorilla runs
// r.Use middleware only for matched routes (the toolbar's own URLs would
// 404); a gorilla middleware reports the matched route.
func Gorilla(tb *toolbar.Toolbar) http.Handler {
	r := mux.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tpl, err := mux.CurrentRoute(r).GetPathTemplate(); err == nil {
				toolbar.SetRoute(r.Context(), tpl)
			}
			next.ServeHTTP(w, r)
		})
	})
	r.HandleFunc("/posts/{id}", func(w http.ResponseWriter, r *http.Request) { writePage(w, mux.Vars(r)["id"]) }).Methods(http.MethodGet)
	r.HandleFunc("/teapot", teapot).Methods(http.MethodGet)
	return tb.Middleware(r)
}
