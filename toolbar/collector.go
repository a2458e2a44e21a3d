package toolbar

import (
	"context"
	"sync"
	"sync/atomic"
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
	queries  []panels.Query  // what joins rec.Queries when the request ends (see queryScratch)
	scratch  *[]panels.Query // where queries came from, to go back to
	b        builder
	done     bool
	maxQ     int
	maxCache int
	maxSpans int
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

	// Transactions begun and not yet ended (by sqltrace's TxID); those
	// still open when the request ends mark their begin TxOpen.
	openTx []uint64
	// The pools at the request's start (pool_stats.go), and whether
	// another observed request ran meanwhile.
	pools      []poolSample
	poolsBuf   [2]poolSample // pools' first, an app has one or two databases
	overlapped atomic.Bool

	pattern string       // reported with SetRoute
	body    *bodyCapture // nil when the request has no body
}

func newCollector(rec *panels.Record, cfg *Config, redact *redactor) *collector {
	c := &collector{rec: rec, b: newBuilder(rec), maxQ: cfg.MaxQueries, maxCache: cfg.MaxCacheCalls, maxSpans: cfg.MaxSpans, maxBytes: cfg.MaxRecordBytes, redact: redact}
	c.pools = samplePools(c.poolsBuf[:0])
	return c
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		c.rec.AddLate()
		return
	}
	c.trackTx(&e)
	c.addQuery(&e)
}

// addQuery keeps e, or counts it as dropped when the caps are reached.
func (c *collector) addQuery(e *sqltrace.Event) {
	if !c.fits(len(c.queries), c.maxQ, queryBytes(e)) {
		c.rec.QueriesDropped++
		if e.Kind == sqltrace.KindQuery || e.Kind == sqltrace.KindExec {
			c.rec.StatementsDropped++
		}
		return
	}
	if c.scratch == nil {
		c.scratch = getQueryScratch()
		c.queries = *c.scratch
	}
	c.queries = append(c.queries, c.b.query(e))
}

// queryScratch holds the lists requests collect their queries into while
// they run, emptied: the record gets a copy of exactly its length when the
// request ends, so a request allocates its list once, at its size, rather
// than growing it by doubling and trimming it to keep it.
var queryScratch sync.Pool // of *[]panels.Query

// maxScratchQueries is the longest list queryScratch keeps.
const maxScratchQueries = 1024

func getQueryScratch() *[]panels.Query {
	if p, ok := queryScratch.Get().(*[]panels.Query); ok {
		return p
	}
	s := make([]panels.Query, 0, 32)
	return &s
}

// putQueryScratch gives back p, now holding s (p's list, grown).
func putQueryScratch(p *[]panels.Query, s []panels.Query) {
	if p == nil || cap(s) > maxScratchQueries {
		return
	}
	clear(s) // holds no app strings while pooled
	*p = s[:0]
	queryScratch.Put(p)
}

// fits reports whether one more operation of size bytes may join a list
// of n, of at most limit, and counts its bytes when it may.
func (c *collector) fits(n, limit, size int) bool {
	if n >= limit || c.maxBytes > 0 && c.bytes+size > c.maxBytes {
		return false
	}
	c.bytes += size
	return true
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
		c.rec.Unattributed = append(c.rec.Unattributed, c.b.query(&e))
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

func (c *collector) recordCache(e CacheEvent, callers sqltrace.Callers) {
	errText := c.redact.errText(e.Err)
	key := capText(e.Key, maxKeyBytes)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.AddLate()
	case !c.fits(len(c.rec.Cache), c.maxCache, cacheEventBytes+len(key)+len(e.Op)+len(e.Backend)+len(errText)):
		c.rec.CacheDropped++
	default:
		c.rec.Cache = append(c.rec.Cache, panels.CacheEvent{
			Op: e.Op, Key: key, Backend: e.Backend, Read: e.Read, Hit: e.Hit,
			Start: e.Start.Sub(c.rec.Start), Duration: e.Duration, Err: errText, Stack: c.b.stack(callers),
		})
	}
}

func (c *collector) recordSpan(name string, start time.Time, d time.Duration, err error, callers sqltrace.Callers) {
	errText := c.redact.errText(err)
	name = capText(name, maxKeyBytes)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.AddLate()
	case !c.fits(len(c.rec.Spans), c.maxSpans, spanBytes+len(name)+len(errText)):
		c.rec.SpansDropped++
	default:
		c.rec.Spans = append(c.rec.Spans, panels.Span{Name: name, Start: start.Sub(c.rec.Start), Duration: d, Err: errText, Stack: c.b.stack(callers)})
	}
}

// totals returns the time spent so far in SQL and in the cache, for a
// Server-Timing header written before the request has finished; after,
// the record's Stats hold them.
func (c *collector) totals() (sqlTime, cacheTime time.Duration, finished bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return c.rec.Stats.SQLTime, c.rec.Stats.CacheTime, true
	}
	for i := range c.queries {
		sqlTime += c.queries[i].Duration
	}
	for i := range c.rec.Cache {
		cacheTime += c.rec.Cache[i].Duration
	}
	return sqlTime, cacheTime, false
}

// finish stops collecting and finishes the record; later events are
// counted as late. Rows still open join the record as unclosed queries.
func (c *collector) finish(th panels.Thresholds) {
	// Read before taking c.mu: DB.Stats takes each pool's own lock.
	pools := poolStats(c.pools, c.overlapped.Load())
	c.pools, c.poolsBuf = nil, [2]poolSample{} // keep no database alive
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
		c.addQuery(&e)
	}
	c.open, c.free = nil, nil
	if len(c.queries) > 0 {
		c.rec.Queries = make([]panels.Query, len(c.queries)) // no spare capacity for Finish to trim
		copy(c.rec.Queries, c.queries)
	}
	putQueryScratch(c.scratch, c.queries)
	c.queries, c.scratch = nil, nil
	c.markOpenTx()
	c.rec.Pools = pools
	c.rec.UnattributedTime = c.unattrTime.union(c.rec.Start, time.Now())
	c.rec.Duration = time.Since(c.rec.Start)
	c.rec.Finish(th)
	c.b = builder{}
	c.done = true
}
