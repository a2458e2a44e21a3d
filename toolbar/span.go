package toolbar

import (
	"context"
	"time"
)

// StartSpan starts timing a named part of the request (an outgoing call, a
// render, a slow computation) for the toolbar's timeline, and returns the
// function that ends it. Without the toolbar's middleware in ctx it does
// nothing and the returned function is a no-op.
//
//	end := toolbar.StartSpan(ctx, "GET pricing service")
//	resp, err := client.Do(req)
//	end(err)
func StartSpan(ctx context.Context, name string) (end func(err error)) {
	c := collectorFrom(ctx)
	if c == nil {
		return func(error) {}
	}
	start, callers := time.Now(), cacheCallers.Callers()
	return func(err error) { c.recordSpan(name, start, time.Since(start), err, callers) }
}
