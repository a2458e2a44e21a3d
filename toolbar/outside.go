package toolbar

import (
	"slices"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// OutsideID is the history id of the entry that holds database work done
// outside any observed request: queries without a request's context, on
// goroutines no observed request started (a worker pool started at boot, a
// goroutine that outlived its request), while an observed request ran.
const OutsideID = "outside"

// outside collects the operations sqltrace could not tie to a request
// (what sqltrace.Watch and sqltrace.LeftBehind hand it), keeping the newest
// within the caps of a request's record, and tells every request in flight
// that one ran while it did.
type outside struct {
	mu     sync.Mutex
	events []sqltrace.Event // the newest, oldest first: at most max, holding at most maxBytes
	sizes  []int            // queryBytes of each
	bytes  int
	total  int // operations recorded, kept or not
	// statements counts the queries and execs among them.
	statements int
	max        int
	maxBytes   int
	redact     *redactor
	inflight   map[*collector]struct{}

	// The sqltrace.Watch that feeds it, active while requests are
	// observed. The goroutines a request leaves running are handed to it
	// for leftBehindFor (sqltrace.LeftBehind).
	unwatch func()
}

// leftBehindFor is how long the goroutines an observed request left
// running are still recorded, here, after it ended.
const leftBehindFor = 30 * time.Second

func newOutside(max, maxBytes int, redact *redactor) *outside {
	return &outside{max: max, maxBytes: maxBytes, redact: redact, inflight: map[*collector]struct{}{}}
}

// Record implements sqltrace.Recorder.
func (o *outside) Record(e sqltrace.Event) {
	o.redact.event(&e)
	size := queryBytes(&e)
	o.mu.Lock()
	o.total++
	if e.Kind == sqltrace.KindQuery || e.Kind == sqltrace.KindExec {
		o.statements++
	}
	drop := 0 // the oldest, to make room
	for drop < len(o.events) && (len(o.events)-drop >= o.max || o.bytes+size > o.maxBytes) {
		o.bytes -= o.sizes[drop]
		drop++
	}
	if drop > 0 {
		n := copy(o.events, o.events[drop:])
		clear(o.events[n:])
		o.events, o.sizes = o.events[:n], o.sizes[:copy(o.sizes, o.sizes[drop:])]
	}
	o.events, o.sizes = append(o.events, e), append(o.sizes, size)
	o.bytes += size
	cols := make([]*collector, 0, len(o.inflight))
	for c := range o.inflight {
		cols = append(cols, c)
	}
	o.mu.Unlock()
	for _, c := range cols {
		c.unattributed(e)
	}
}

// begin and end bracket an observed request, so the operations that run
// meanwhile are noted on its record.
func (o *outside) begin(c *collector) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other := range o.inflight { // they share the pools' waits (pool_stats.go)
		other.overlapped.Store(true)
		c.overlapped.Store(true)
	}
	o.inflight[c] = struct{}{}
	if o.unwatch == nil {
		o.unwatch = sqltrace.Watch(o)
	}
}

func (o *outside) end(c *collector) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.inflight, c)
	if len(o.inflight) == 0 && o.unwatch != nil {
		o.unwatch()
		o.unwatch = nil
	}
}

// record returns the entry as a record of its own (a copy, analysed), or
// false when nothing ran outside a request yet.
func (o *outside) record(th panels.Thresholds) (*panels.Record, bool) {
	o.mu.Lock()
	if o.total == 0 {
		o.mu.Unlock()
		return nil, false
	}
	events := slices.Clone(o.events)
	total, statements := o.total, o.statements
	o.mu.Unlock()
	kept := 0
	for i := range events {
		if k := events[i].Kind; k == sqltrace.KindQuery || k == sqltrace.KindExec {
			kept++
		}
	}

	first, last := events[0].Start, events[0].Start
	for i := range events {
		if events[i].Start.Before(first) {
			first = events[i].Start
		}
		if end := events[i].Start.Add(events[i].Duration); end.After(last) {
			last = end
		}
	}
	rec := &panels.Record{
		ID:                OutsideID,
		Start:             first,
		Duration:          last.Sub(first),
		Request:           panels.Request{Path: "(outside any request)"},
		QueriesDropped:    total - len(events),
		StatementsDropped: statements - kept,
		Outside:           true,
	}
	b := newBuilder(rec)
	rec.Queries = make([]panels.Query, len(events))
	for i := range events {
		rec.Queries[i] = b.query(&events[i])
	}
	rec.Finish(th)
	return rec, true
}
