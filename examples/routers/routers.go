// Package routers sets the toolbar up with each router the README names:
// chi (inside and outside), http.ServeMux, gin, echo and gorilla/mux. Each
// function is the README's recipe for its router, serving the same small
// app: an HTML page at /posts/{id}, /teapot answering 418 the router's own
// way, and the router's own 404. routers_test.go proves that every recipe
// injects the toolbar, records the route pattern, serves the toolbar's own
// pages and leaves the app's status codes alone.
package routers

import (
	"fmt"
	"html"
	"net/http"
)

// page is the app's HTML page for a post.
func page(id string) string {
	return fmt.Sprintf("<!doctype html><html><head><title>Post %[1]s</title></head><body><h1>Post %[1]s</h1></body></html>", html.EscapeString(id))
}

// writePage serves page(id) the net/http way.
func writePage(w http.ResponseWriter, id string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, page(id))
}
