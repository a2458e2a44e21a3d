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
	keep(c, &c.rec.Queries, &c.rec.QueriesDropped, c.maxQ, e)
}

func (c *collector) recordCache(e panels.CacheEvent) {
	keep(c, &c.rec.Cache, &c.rec.CacheDropped, c.maxCache, e)
}

func (c *collector) recordSpan(s panels.Span) {
	keep(c, &c.rec.Spans, &c.rec.SpansDropped, c.maxCache, s)
}

// keep appends v to the record's list unless the request has finished
// (then v is late) or the list is full (then v is dropped); both are
// counted.
func keep[T any](c *collector, list *[]T, dropped *int, limit int, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.Late++
	case len(*list) >= limit:
		*dropped++
	default:
		*list = append(*list, v)
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
