module github.com/debugtoolbar/debugtoolbar/toolbar/redisstore

go 1.26.0

require (
	github.com/debugtoolbar/debugtoolbar v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/a-h/templ v0.3.1100 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-chi/chi/v5 v5.2.3 // indirect
	github.com/google/uuid v1.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/debugtoolbar/debugtoolbar => ../..
