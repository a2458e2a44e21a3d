package toolbar

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// SetRoute records pattern as the route that matched the request ctx
// belongs to, such as "/posts/{id}", for the Request panel, the history and
// the JSON API. Routers the toolbar reads by itself need no call: chi, and
// http.ServeMux when the toolbar wraps it directly. Call it from a
// middleware the router runs once it has matched a route (gin's
// c.FullPath(), echo's c.Path(), gorilla/mux's
// mux.CurrentRoute(r).GetPathTemplate()):
//
//	func(c *gin.Context) {
//		toolbar.SetRoute(c.Request.Context(), c.FullPath())
//		c.Next()
//	}
//
// A later call replaces an earlier one, so the innermost router's pattern
// wins, and a reported pattern wins over the one the toolbar read. An
// empty pattern is ignored. Without the toolbar's middleware in ctx, or for
// a request that is not observed, SetRoute does nothing, at the cost of one
// context lookup. It is safe to call from any goroutine.
func SetRoute(ctx context.Context, pattern string) {
	if c := collectorFrom(ctx); c != nil && pattern != "" {
		c.setRoute(pattern)
	}
}

// withChiContext gives chi a routing context to fill when next is a chi
// router and none exists yet (the toolbar wraps the router from outside,
// tb.Middleware(r)). chi reuses a routing context it finds, as it does for
// its own sub-routers, so the matched pattern can be read from it after
// the handler returns; otherwise chi makes its own inside, on a copy of the
// request the toolbar never sees. This is what chi.Mux.ServeHTTP itself
// does, without its pool.
func withChiContext(ctx context.Context, next http.Handler) context.Context {
	rt, ok := next.(chi.Routes)
	if !ok || chi.RouteContext(ctx) != nil {
		return ctx
	}
	rctx := chi.NewRouteContext()
	rctx.Routes = rt
	return context.WithValue(ctx, chi.RouteCtxKey, rctx)
}

// routePattern is the pattern that matched r: the one reported with
// SetRoute, else chi's, else ServeMux's.
func routePattern(r *http.Request, col *collector) string {
	if p := col.route(); p != "" {
		return p
	}
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return r.Pattern
}
