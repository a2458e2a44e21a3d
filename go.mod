module github.com/debugtoolbar/debugtoolbar

go 1.26.0

require (
	github.com/a-h/templ v0.3.1100
	github.com/go-chi/chi/v5 v5.2.3
	github.com/google/uuid v1.3.0
	golang.org/x/net v0.59.0
)
