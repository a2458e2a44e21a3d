package toolbar

import (
	"context"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// collector gathers one request's events into its record. Events come from
// any goroutine that has the request's context, including ones that
// outlive the request: those are counted as late, not kept.
type collector struct {
	mu       sync.Mutex
	rec      *panels.Record
	done     bool
	maxQ     int
	maxCache int
	redact   *redactor
}

type collectorKey struct{}

func collectorFrom(ctx context.Context) *collector {
	c, _ := ctx.Value(collectorKey{}).(*collector)
	return c
}

// Record implements sqltrace.Recorder.
func (c *collector) Record(e sqltrace.Event) {
	c.redact.args(e.Args)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.Late++
	case len(c.rec.Queries) >= c.maxQ:
		c.rec.QueriesDropped++
	default:
		c.rec.Queries = append(c.rec.Queries, e)
	}
}

func (c *collector) recordCache(e panels.CacheEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.Late++
	case len(c.rec.Cache) >= c.maxCache:
		c.rec.CacheDropped++
	default:
		c.rec.Cache = append(c.rec.Cache, e)
	}
}

func (c *collector) recordSpan(s panels.Span) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.Late++
	case len(c.rec.Spans) >= c.maxCache:
		c.rec.SpansDropped++
	default:
		c.rec.Spans = append(c.rec.Spans, s)
	}
}

// totals returns the time spent so far in SQL and in the cache.
func (c *collector) totals() (sqlTime, cacheTime time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.rec.Queries {
		sqlTime += c.rec.Queries[i].Duration
	}
	for i := range c.rec.Cache {
		cacheTime += c.rec.Cache[i].Duration
	}
	return sqlTime, cacheTime
}

// finish stops collecting; later events are counted as late.
func (c *collector) finish() {
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
}
