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
	maxBytes int // what the kept operations may hold (Config.MaxRecordBytes)
	bytes    int
	redact   *redactor

	// Rows opened and not yet closed, by token (sqltrace.RowsTracker); a
	// free slot has Kind 0. Those still open when the request ends join
	// the record, marked Unclosed.
	open     []sqltrace.Event
	free     []int
	reported map[int]bool // tokens recorded as unclosed at the end

	unattrTime intervals // when unattributed operations ran

	pattern string       // reported with SetRoute
	body    *bodyCapture // nil when the request has no body
}

type collectorKey struct{}

func collectorFrom(ctx context.Context) *collector {
	if !enabled {
		return nil // and the compiler drops what the helpers would record
	}
	c, _ := ctx.Value(collectorKey{}).(*collector)
	return c
}

// Record implements sqltrace.Recorder.
func (c *collector) Record(e sqltrace.Event) {
	c.redact.event(&e)
	keep(c, &c.rec.Queries, &c.rec.QueriesDropped, c.maxQ, e, eventBytes(&e))
}

// RowsOpened implements sqltrace.RowsTracker.
func (c *collector) RowsOpened(e sqltrace.Event) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return -1
	}
	if n := len(c.free); n > 0 {
		tok := c.free[n-1]
		c.free = c.free[:n-1]
		c.open[tok] = e
		return tok
	}
	c.open = append(c.open, e)
	return len(c.open) - 1
}

// RowsClosed implements sqltrace.RowsTracker.
func (c *collector) RowsClosed(tok int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok < 0 {
		return true
	}
	if c.reported[tok] {
		delete(c.reported, tok)
		return false
	}
	if !c.done {
		c.open[tok] = sqltrace.Event{}
		c.free = append(c.free, tok)
	}
	return true
}

// unattributed notes an operation that ran while this request did, on a
// goroutine that is not the request's and without its context.
func (c *collector) unattributed(e sqltrace.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.rec.UnattributedCount++
	if len(c.rec.Unattributed) < maxUnattributedKept {
		c.rec.Unattributed = append(c.rec.Unattributed, e)
	}
	c.unattrTime.add(e.Start, e.Start.Add(e.Duration))
}

// maxUnattributedKept is how many of the unattributed operations that
// overlapped a request its record keeps (they are all in the outside
// entry); enough to name their callers.
const maxUnattributedKept = 20

func (c *collector) setRoute(p string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pattern = p
}

func (c *collector) route() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pattern
}

func (c *collector) recordCache(e panels.CacheEvent) {
	e.Err = c.redact.err(e.Err)
	e.Key = capText(e.Key, maxKeyBytes)
	keep(c, &c.rec.Cache, &c.rec.CacheDropped, c.maxCache, e, cacheEventBytes+len(e.Key)+len(e.Op)+len(e.Backend))
}

func (c *collector) recordSpan(s panels.Span) {
	s.Err = c.redact.err(s.Err)
	s.Name = capText(s.Name, maxKeyBytes)
	keep(c, &c.rec.Spans, &c.rec.SpansDropped, c.maxCache, s, spanBytes+len(s.Name))
}

// keep appends v, which holds size bytes, to the record's list unless the
// request has finished (then v is late), or the list or the record's byte
// budget is full (then v is dropped); both are counted.
func keep[T any](c *collector, list *[]T, dropped *int, limit int, v T, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.AddLate()
	case len(*list) >= limit || c.maxBytes > 0 && c.bytes+size > c.maxBytes:
		*dropped++
	default:
		c.bytes += size
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

// finish stops collecting; later events are counted as late. Rows still
// open join the record as unclosed queries.
func (c *collector) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tok, e := range c.open {
		if e.Kind == 0 {
			continue
		}
		if c.reported == nil {
			c.reported = map[int]bool{}
		}
		c.reported[tok] = true
		e.Unclosed = true
		c.redact.event(&e)
		if size := eventBytes(&e); len(c.rec.Queries) >= c.maxQ || c.maxBytes > 0 && c.bytes+size > c.maxBytes {
			c.rec.QueriesDropped++
		} else {
			c.bytes += size
			c.rec.Queries = append(c.rec.Queries, e)
		}
	}
	c.open, c.free = nil, nil
	c.rec.UnattributedTime = c.unattrTime.union(c.rec.Start, time.Now())
	c.done = true
}
