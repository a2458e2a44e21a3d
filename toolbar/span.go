package toolbar

import (
	"context"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
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
	s := panels.Span{Name: name, Start: time.Now()}
	s.SetCallers(cacheCallers.Callers())
	return func(err error) {
		s.Duration = time.Since(s.Start)
		s.Err = err
		c.recordSpan(s)
	}
}
