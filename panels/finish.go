package panels

import (
	"cmp"
	"slices"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Thresholds tune the analysis. The zero value uses the defaults.
type Thresholds struct {
	// SlowQuery is the duration from which a query is slow (default 100ms).
	SlowQuery time.Duration
	// NPlusOne is how many times one query shape must run from one line,
	// with other values, to be an N+1 (default 3).
	NPlusOne int
	// RowByRow is how many times one write must run from one line, with
	// other values, to be written row by row (default 10).
	RowByRow int
	// TooManyQueries is the count from which a request runs too many
	// queries (default 50).
	TooManyQueries int
	// LargeResult is the count of rows from which one query read too many
	// (default 1000).
	LargeResult int
	// Offset is the OFFSET from which paging by offset is slow (default
	// 200: each view of the page reads and throws away that many rows, and
	// the next page more).
	Offset int
	// Recent remembers the reads of each route's last requests, for
	// uncached_query: a read every request of a page runs again, unchanged.
	// Nil turns that detector off; the toolbar keeps one.
	Recent *RecentReads
	// Accepted reports the findings the developer marked as known, by
	// [Alert.Key]; they stay listed but do not raise the record's level.
	// Nil accepts none.
	Accepted func(key string) bool
	// MissingIndexRows is the estimated table size from which a full
	// scan in a query's plan is a missing index (default 500).
	MissingIndexRows int
}

func (t Thresholds) withDefaults() Thresholds {
	if t.SlowQuery <= 0 {
		t.SlowQuery = 100 * time.Millisecond
	}
	if t.NPlusOne <= 0 {
		t.NPlusOne = 3
	}
	t.NPlusOne = max(t.NPlusOne, 3) // a loop of two is not an N+1
	if t.TooManyQueries <= 0 {
		t.TooManyQueries = 50
	}
	if t.LargeResult <= 0 {
		t.LargeResult = 1000
	}
	if t.Offset <= 0 {
		t.Offset = 200
	}
	if t.RowByRow <= 0 {
		t.RowByRow = 10
	}
	if t.MissingIndexRows <= 0 {
		t.MissingIndexRows = 500
	}
	return t
}

// Finish analyses a record once, when its request has ended: it groups the
// statements by shape and by exact SQL and arguments, counts everything
// Stats holds, and raises the alerts: N+1 queries (a shape run many times
// with other values), duplicate queries, slow, failed and too many
// queries, queries dropped by the caps, and where the toolbar found them
// (without the request's context, never closed, on goroutines the request
// did not start). Every view reads what it computed. Finish trims the
// record's lists to their length, so that a kept record holds no spare
// capacity.
func (r *Record) Finish(t Thresholds) {
	t = t.withDefaults()
	r.plans.mu.Lock()
	r.plans.th = t
	r.plans.mu.Unlock()
	r.Queries = trim(r.Queries)
	r.Cache, r.Spans, r.Stacks = trim(r.Cache), trim(r.Spans), trim(r.Stacks)
	r.group()
	r.count()
	r.Alerts = nil
	for _, d := range detectors {
		r.Alerts = append(r.Alerts, d(r, &t)...)
	}
	r.Alerts = append(r.Alerts, r.runtimeAlerts(t)...)
	for i := range r.Alerts {
		a := &r.Alerts[i]
		a.Accepted = t.Accepted != nil && t.Accepted(a.Key())
		if !a.Accepted {
			r.Stats.Level = max(r.Stats.Level, a.Severity)
		}
	}
}

// trim returns s without spare capacity (a copy when it has some).
func trim[T any](s []T) []T {
	if cap(s) == len(s) {
		return s
	}
	if len(s) == 0 {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// group fills Shapes and Duplicates, and each statement's Shape, with
// one fingerprint per distinct SQL text. A request runs few distinct
// statements, so they are found by a linear search while there are few,
// and the groups' index lists share one allocation.
func (r *Record) group() {
	r.Shapes, r.Duplicates = nil, nil
	var (
		texts  finder[string] // SQL text -> shape
		fps    finder[string] // fingerprint -> shape
		exact  finder[exactKey]
		counts []int32 // statements per shape
		dups   []int32 // per statement: the first with its SQL and arguments, or -1
		copies []int32 // per statement: how many later ones repeat it
		n, d   int     // statements, repeats
	)
	// Scratch on the stack while the request is short, as most are.
	var dupsBuf, copiesBuf, countsBuf [64]int32
	counts = countsBuf[:0]
	scratch := func(buf *[64]int32) []int32 {
		if len(r.Queries) <= len(buf) {
			s := buf[:len(r.Queries)]
			clear(s)
			return s
		}
		return make([]int32, len(r.Queries))
	}
	dups = scratch(&dupsBuf)
	for i := range r.Queries {
		q := &r.Queries[i]
		q.Shape, dups[i] = -1, -1
		if !q.IsStatement() {
			continue
		}
		n++
		s, ok := texts.find(q.SQL)
		if !ok {
			fp := fingerprint(q.SQL)
			if s, ok = fps.find(fp); !ok {
				s = int32(len(r.Shapes))
				r.Shapes = append(r.Shapes, Shape{Fingerprint: fp})
				counts = append(counts, 0)
				fps.add(fp, s)
			}
			texts.add(q.SQL, s)
		}
		q.Shape = s
		counts[s]++
		r.Shapes[s].Time += q.Duration
		k := exactKey{q.SQL, q.args}
		if f, seen := exact.find(k); seen {
			dups[i] = f
			if copies == nil {
				copies = scratch(&copiesBuf)
			}
			copies[f]++
			d++
		} else {
			exact.add(k, int32(i))
			r.Shapes[s].Distinct++
		}
	}
	// The groups' lists, carved from one slice: a shape's from its count,
	// a duplicate group's when its first statement is met.
	all := make([]int32, 0, n+2*d) // the statements, then each repeat and, at most as many, their firsts
	carve := func(n int) []int32 {
		s := all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
		return s
	}
	for s := range r.Shapes {
		r.Shapes[s].Queries = carve(int(counts[s]))
	}
	group := dups // reused: the duplicate group of each first statement
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Shape < 0 {
			continue
		}
		sh := &r.Shapes[q.Shape]
		sh.Queries = append(sh.Queries, int32(i))
		if f := dups[i]; f >= 0 {
			g := group[f]
			r.Duplicates[g] = append(r.Duplicates[g], int32(i))
		} else if copies != nil && copies[i] > 0 { // the first of a group
			group[i] = int32(len(r.Duplicates))
			r.Duplicates = append(r.Duplicates, append(carve(int(copies[i])+1), int32(i)))
		}
	}
}

// exactKey is what makes two statements duplicates.
type exactKey struct{ sql, args string }

// finder maps keys to numbers: an array searched in order while it is
// short, a map after. It lives where it is declared (on the stack, in
// group), so a request of few shapes allocates nothing to find them.
type finder[K comparable] struct {
	n    int
	keys [finderLinear]K
	vals [finderLinear]int32
	m    map[K]int32
}

const finderLinear = 16

func (f *finder[K]) find(k K) (int32, bool) {
	if f.m != nil {
		v, ok := f.m[k]
		return v, ok
	}
	for i := range f.n {
		if f.keys[i] == k {
			return f.vals[i], true
		}
	}
	return 0, false
}

func (f *finder[K]) add(k K, v int32) {
	if f.m == nil && f.n < finderLinear {
		f.keys[f.n], f.vals[f.n] = k, v
		f.n++
		return
	}
	if f.m == nil {
		f.m = make(map[K]int32, 2*finderLinear)
		for i := range f.n {
			f.m[f.keys[i]] = f.vals[i]
		}
	}
	f.m[k] = v
}

// distinct counts the different numbers from 1 it is given (a request's
// transactions and connections are numbered 1, 2, ... as they are met);
// 0 is none.
type distinct struct {
	n    int
	bits []uint64
}

func (d *distinct) add(i int32) {
	if i <= 0 {
		return
	}
	w, bit := int(i/64), uint64(1)<<(i%64)
	if w >= len(d.bits) {
		bits := make([]uint64, 2*w)
		copy(bits, d.bits)
		d.bits = bits
	}
	if d.bits[w]&bit == 0 {
		d.bits[w] |= bit
		d.n++
	}
}

// count fills Stats but its Level.
func (r *Record) count() {
	st := Stats{Dropped: r.QueriesDropped, Statements: r.StatementsDropped}
	var txBits, connBits [2]uint64 // the first 128 numbers, on the stack
	txs, conns := distinct{bits: txBits[:]}, distinct{bits: connBits[:]}
	for i := range r.Queries {
		q := &r.Queries[i]
		st.SQLTime += q.Duration
		st.Slowest = max(st.Slowest, q.Duration)
		txs.add(q.Tx)
		conns.add(q.Conn)
		if !q.IsStatement() {
			continue
		}
		st.Statements++
		if q.Kind == sqltrace.KindQuery {
			st.Reads++
		} else {
			st.Writes++
		}
		if q.Err != "" {
			st.Errors++
		}
		if len(r.Shapes[q.Shape].Queries) > 1 {
			st.Similar++
		}
	}
	st.Transactions, st.Connections = txs.n, conns.n
	for _, d := range r.Duplicates {
		st.Duplicates += len(d)
	}
	for i := range r.Cache {
		e := &r.Cache[i]
		st.CacheCalls++
		st.CacheTime += e.Duration
		if e.Read {
			st.CacheReads++
			if e.Hit {
				st.CacheHits++
			}
		}
		if e.Err != "" {
			st.CacheErrors++
		}
	}
	for i := range r.Spans {
		if r.Spans[i].Err != "" {
			st.SpanErrors++
		}
	}
	st.SpanTime = spanCover(r.Spans)
	r.Stats = st
}

// spanCover is the time the spans cover together: spans that ran side by
// side (concurrent outgoing calls) count once, so it is never more than
// the request's time for spans within it.
func spanCover(spans []Span) time.Duration {
	if len(spans) == 0 {
		return 0
	}
	iv := make([][2]time.Duration, len(spans))
	for i := range spans {
		iv[i] = [2]time.Duration{spans[i].Start, spans[i].Start + spans[i].Duration}
	}
	slices.SortFunc(iv, func(a, b [2]time.Duration) int { return cmp.Compare(a[0], b[0]) })
	var total time.Duration
	from, to := iv[0][0], iv[0][1]
	for _, v := range iv[1:] {
		if v[0] > to {
			total += to - from
			from, to = v[0], v[1]
			continue
		}
		to = max(to, v[1])
	}
	return total + to - from
}
