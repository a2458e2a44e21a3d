package panels

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Thresholds tune the analysis. The zero value uses the defaults.
type Thresholds struct {
	// SlowQuery is the duration from which a query is slow (default 100ms).
	SlowQuery time.Duration
	// Similar is how many queries of the same shape with other arguments
	// make an N+1 (default 5).
	Similar int
	// TooManyQueries is the count from which a request runs too many
	// queries (default 50).
	TooManyQueries int
	// MissingIndexRows is the estimated table size from which a full
	// scan in a query's plan is a missing index (default 500).
	MissingIndexRows int
}

func (t Thresholds) withDefaults() Thresholds {
	if t.SlowQuery <= 0 {
		t.SlowQuery = 100 * time.Millisecond
	}
	if t.Similar <= 0 {
		t.Similar = 5
	}
	if t.TooManyQueries <= 0 {
		t.TooManyQueries = 50
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
	r.Alerts = r.analyze(t)
	for i := range r.Alerts {
		r.Stats.Level = max(r.Stats.Level, r.Alerts[i].Severity)
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
		texts  finder[string, int32] // SQL text -> shape
		fps    finder[string, int32] // fingerprint -> shape
		exact  finder[exactKey, int32]
		counts []int32 // statements per shape
		dups   []int32 // per statement: the first with its SQL and arguments, or -1
		copies []int32 // per statement: how many later ones repeat it
		n, d   int     // statements, repeats
	)
	dups = make([]int32, len(r.Queries))
	exact.keys, exact.vals = make([]exactKey, 0, min(len(r.Queries), finderLinear)), make([]int32, 0, min(len(r.Queries), finderLinear))
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
				copies = make([]int32, len(r.Queries))
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

// finder maps keys to values: a slice searched in order while it is short,
// a map after.
type finder[K comparable, V any] struct {
	keys []K
	vals []V
	m    map[K]V
}

const finderLinear = 16

func (f *finder[K, V]) find(k K) (V, bool) {
	if f.m != nil {
		v, ok := f.m[k]
		return v, ok
	}
	for i := range f.keys {
		if f.keys[i] == k {
			return f.vals[i], true
		}
	}
	var zero V
	return zero, false
}

func (f *finder[K, V]) add(k K, v V) {
	if f.m == nil && len(f.keys) < finderLinear {
		f.keys, f.vals = append(f.keys, k), append(f.vals, v)
		return
	}
	if f.m == nil {
		f.m = make(map[K]V, 2*finderLinear)
		for i := range f.keys {
			f.m[f.keys[i]] = f.vals[i]
		}
		f.keys, f.vals = nil, nil
	}
	f.m[k] = v
}

// count fills Stats but its Level.
func (r *Record) count() {
	st := Stats{Dropped: r.QueriesDropped, Statements: r.StatementsDropped}
	txs, conns := map[int32]bool{}, map[int32]bool{}
	for i := range r.Queries {
		q := &r.Queries[i]
		st.SQLTime += q.Duration
		st.Slowest = max(st.Slowest, q.Duration)
		if q.Tx > 0 {
			txs[q.Tx] = true
		}
		if q.Conn > 0 {
			conns[q.Conn] = true
		}
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
	st.Transactions, st.Connections = len(txs), len(conns)
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
		st.SpanTime += r.Spans[i].Duration
		if r.Spans[i].Err != "" {
			st.SpanErrors++
		}
	}
	r.Stats = st
}

func (r *Record) analyze(t Thresholds) []Alert {
	var alerts []Alert
	for i := range r.Queries {
		q := &r.Queries[i]
		if !q.IsStatement() {
			continue
		}
		if q.Err != "" {
			alerts = append(alerts, Alert{Kind: AlertQueryErrors, Severity: Danger, Queries: []int32{int32(i)},
				Message: fmt.Sprintf("Query failed at %s: %s", r.where(q.Stack), q.Err)})
		}
		if q.Duration >= t.SlowQuery {
			alerts = append(alerts, Alert{Kind: AlertSlowQuery, Severity: Warning, Queries: []int32{int32(i)},
				Message: fmt.Sprintf("Slow query (%s) at %s", q.Duration.Round(time.Millisecond), r.where(q.Stack))})
		}
	}
	if !r.Outside { // unrelated jobs share shapes: no N+1 or duplicates across them
		dupsOf := make(map[int32][]int32) // shape -> its statements that repeat another's SQL and arguments
		for _, d := range r.Duplicates {
			s := r.Queries[d[0]].Shape
			dupsOf[s] = append(dupsOf[s], d...)
		}
		for s := range r.Shapes {
			sh := &r.Shapes[s]
			if len(sh.Queries) >= t.Similar && sh.Distinct > 1 {
				alerts = append(alerts, Alert{Kind: AlertNPlusOne, Severity: Danger, Queries: sh.Queries, // shared: both are read only
					Message: fmt.Sprintf("N+1: %d similar queries at %s: %s", len(sh.Queries), r.where(r.Queries[sh.Queries[0]].Stack), sh.Fingerprint)})
				continue // its repeats are part of the same problem
			}
			// One alert per shape for its exact repeats, not one per repeat.
			if dup := dupsOf[int32(s)]; len(dup) > 0 {
				slices.Sort(dup)
				alerts = append(alerts, Alert{Kind: AlertDuplicate, Severity: Warning, Queries: dup,
					Message: fmt.Sprintf("%d duplicate queries at %s: %s", len(dup), r.where(r.Queries[dup[0]].Stack), sh.Fingerprint)})
			}
		}
		if r.Stats.Statements >= t.TooManyQueries {
			alerts = append(alerts, Alert{Kind: AlertTooManyQueries, Severity: Warning,
				Message: fmt.Sprintf("%d queries in one request", r.Stats.Statements)})
		}
	}
	if r.QueriesDropped > 0 {
		alerts = append(alerts, Alert{Kind: AlertQueriesCapped, Severity: Info,
			Message: fmt.Sprintf("%s not kept (the per-request cap): the counts include them, the list does not", plural(r.QueriesDropped, "more operation was", "more operations were"))})
	}
	return append(alerts, r.contextAlerts()...)
}

// contextAlerts are about where the toolbar found a request's queries:
// without its context, never closed, or on goroutines it did not start.
func (r *Record) contextAlerts() []Alert {
	var alerts []Alert
	var noCtx, unclosed []int32
	for i := range r.Queries {
		if r.Queries[i].Unclosed {
			unclosed = append(unclosed, int32(i))
		}
		if r.Queries[i].NoContext && !r.Outside {
			noCtx = append(noCtx, int32(i))
		}
	}
	if r.Outside {
		alerts = append(alerts, Alert{Kind: AlertOutside, Severity: Info,
			Message: "Database work outside any observed request: queries run without a request's context, on goroutines no request started (a worker pool started at boot, a goroutine that outlived its request), while an observed request ran. If they are a request's work, pass it r.Context() (db.QueryContext(ctx, ...)) so they are recorded on it."})
	}
	if len(noCtx) > 0 {
		alerts = append(alerts, Alert{Kind: AlertNoContext, Severity: Info, Queries: noCtx,
			Message: fmt.Sprintf("%s ran without the request's context (%s); the toolbar tied them to this request by the goroutine that ran them. Pass r.Context() (db.QueryContext(ctx, ...)) so cancellation and timeouts reach them and any goroutine's queries are recorded.", plural(len(noCtx), "query", "queries"), r.callers(r.Queries, noCtx))})
	}
	for _, i := range unclosed {
		alerts = append(alerts, Alert{Kind: AlertUnclosedRows, Severity: Warning, Queries: []int32{i},
			Message: fmt.Sprintf("Rows never closed: the query at %s still held its rows (and its connection) when the request ended. Close them (defer rows.Close() right after the error check).", r.where(r.Queries[i].Stack))})
	}
	if r.UnattributedCount > 0 {
		idx := make([]int32, len(r.Unattributed))
		for i := range idx {
			idx[i] = int32(i)
		}
		alerts = append(alerts, Alert{Kind: AlertUnattributed, Severity: Warning,
			Message: fmt.Sprintf("%s ran while this request ran, without its context, on goroutines it did not start (%s); the toolbar cannot tell whose they are, so they are in the entry for work outside any request. If this request caused them (a worker pool doing its work), pass it r.Context() with the job.", plural(r.UnattributedCount, "query", "queries"), r.callers(r.Unattributed, idx))})
	}
	return alerts
}

// callers lists the distinct callers of some queries as file:line, most
// frequent first, at most five.
func (r *Record) callers(qs []Query, idx []int32) string {
	count := map[string]int{}
	var order []string
	for _, i := range idx {
		w := r.where(qs[i].Stack)
		if count[w] == 0 {
			order = append(order, w)
		}
		count[w]++
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	var b strings.Builder
	for i, w := range order {
		if i == 5 {
			fmt.Fprintf(&b, ", and %d more", len(order)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(w)
		if n := count[w]; n > 1 {
			fmt.Fprintf(&b, " ×%d", n)
		}
	}
	return b.String()
}

// where is a stack's caller as file:line.
func (r *Record) where(stack int32) string {
	f := r.Caller(stack)
	if f.File == "" {
		return "an unknown caller"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
}

// plural returns "1 query" or "3 queries", for the alerts' messages.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
