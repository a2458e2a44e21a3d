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
	return t
}

// Analyze returns the alerts for a finished record: N+1 queries (the same
// shape run many times with other values), duplicate queries (the same SQL
// and arguments), slow queries, failed queries, too many queries, and
// queries dropped by the cap.
func Analyze(r *Record, t Thresholds) []Alert {
	t = t.withDefaults()
	var alerts []Alert
	type group struct {
		idx  []int
		args map[*[]int]bool // the distinct exact groups of the shape
	}
	shapes := map[string]*group{}
	var order []string
	exact := map[string]*[]int{} // queries with the same SQL and arguments
	exactOf := make([]*[]int, len(r.Queries))
	var keys exactKeyer
	n := 0
	for i := range r.Queries {
		e := &r.Queries[i]
		if e.Kind != sqltrace.KindQuery && e.Kind != sqltrace.KindExec {
			continue
		}
		n++
		if e.Err != nil {
			alerts = append(alerts, Alert{Kind: AlertQueryErrors, Severity: Danger, Queries: []int{i},
				Message: fmt.Sprintf("Query failed at %s: %v", where(e), e.Err)})
		}
		if e.Duration >= t.SlowQuery {
			alerts = append(alerts, Alert{Kind: AlertSlowQuery, Severity: Warning, Queries: []int{i},
				Message: fmt.Sprintf("Slow query (%s) at %s", e.Duration.Round(time.Millisecond), where(e))})
		}
		fp := Fingerprint(e.SQL)
		g := shapes[fp]
		if g == nil {
			g = &group{args: map[*[]int]bool{}}
			shapes[fp] = g
			order = append(order, fp)
		}
		g.idx = append(g.idx, i)
		k := keys.key(e)
		same := exact[string(k)]
		if same == nil {
			same = new([]int)
			exact[string(k)] = same
		}
		*same = append(*same, i)
		exactOf[i] = same
		g.args[same] = true
	}
	for _, fp := range order {
		if r.Outside {
			break // unrelated jobs share shapes: no N+1 or duplicates across them
		}
		g := shapes[fp]
		e := &r.Queries[g.idx[0]]
		if len(g.idx) >= t.Similar && len(g.args) > 1 {
			alerts = append(alerts, Alert{Kind: AlertNPlusOne, Severity: Danger, Queries: g.idx,
				Message: fmt.Sprintf("N+1: %d similar queries at %s: %s", len(g.idx), where(e), fp)})
			continue // its repeats are part of the same problem
		}
		// One alert per shape for its exact repeats, not one per repeat.
		var dup []int
		for _, i := range g.idx {
			if len(*exactOf[i]) > 1 {
				dup = append(dup, i)
			}
		}
		if len(dup) > 0 {
			alerts = append(alerts, Alert{Kind: AlertDuplicate, Severity: Warning, Queries: dup,
				Message: fmt.Sprintf("%d duplicate queries at %s: %s", len(dup), where(&r.Queries[dup[0]]), fp)})
		}
	}
	if n >= t.TooManyQueries && !r.Outside {
		alerts = append(alerts, Alert{Kind: AlertTooManyQueries, Severity: Warning,
			Message: fmt.Sprintf("%d queries in one request", n)})
	}
	if r.QueriesDropped > 0 {
		alerts = append(alerts, Alert{Kind: AlertQueriesCapped, Severity: Info,
			Message: fmt.Sprintf("%d more queries were not kept (the per-request cap)", r.QueriesDropped)})
	}
	return append(alerts, contextAlerts(r)...)
}

// contextAlerts are about where the toolbar found a request's queries:
// without its context, never closed, or on goroutines it did not start.
func contextAlerts(r *Record) []Alert {
	var alerts []Alert
	var noCtx, unclosed []int
	for i := range r.Queries {
		if r.Queries[i].Unclosed {
			unclosed = append(unclosed, i)
		}
		if r.Queries[i].NoContext && !r.Outside {
			noCtx = append(noCtx, i)
		}
	}
	if r.Outside {
		alerts = append(alerts, Alert{Kind: AlertOutside, Severity: Info,
			Message: "Database work outside any observed request: queries run without a request's context, on goroutines no request started (a worker pool started at boot, a goroutine that outlived its request), while an observed request ran. If they are a request's work, pass it r.Context() (db.QueryContext(ctx, ...)) so they are recorded on it."})
	}
	if len(noCtx) > 0 {
		alerts = append(alerts, Alert{Kind: AlertNoContext, Severity: Info, Queries: noCtx,
			Message: fmt.Sprintf("%s ran without the request's context (%s); the toolbar tied them to this request by the goroutine that ran them. Pass r.Context() (db.QueryContext(ctx, ...)) so cancellation and timeouts reach them and any goroutine's queries are recorded.", plural(len(noCtx), "query", "queries"), callers(r.Queries, noCtx))})
	}
	for _, i := range unclosed {
		alerts = append(alerts, Alert{Kind: AlertUnclosedRows, Severity: Warning, Queries: []int{i},
			Message: fmt.Sprintf("Rows never closed: the query at %s still held its rows (and its connection) when the request ended. Close them (defer rows.Close() right after the error check).", where(&r.Queries[i]))})
	}
	if r.UnattributedCount > 0 {
		idx := make([]int, len(r.Unattributed))
		for i := range idx {
			idx[i] = i
		}
		alerts = append(alerts, Alert{Kind: AlertUnattributed, Severity: Warning,
			Message: fmt.Sprintf("%s ran while this request ran, without its context, on goroutines it did not start (%s); the toolbar cannot tell whose they are, so they are in the entry for work outside any request. If this request caused them (a worker pool doing its work), pass it r.Context() with the job.", plural(r.UnattributedCount, "query", "queries"), callers(r.Unattributed, idx))})
	}
	return alerts
}

// callers lists the distinct callers of some events as file:line, most
// frequent first, at most five.
func callers(events []sqltrace.Event, idx []int) string {
	count := map[string]int{}
	var order []string
	for _, i := range idx {
		w := where(&events[i])
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

// exactKeyer builds keys that are equal for queries with the same SQL and
// arguments, in one reused buffer: looking one up in a map allocates
// nothing, and only a new key is copied.
type exactKeyer struct{ buf []byte }

func (k *exactKeyer) key(e *sqltrace.Event) []byte {
	b := append(k.buf[:0], e.SQL...)
	for _, a := range e.Args {
		b = append(b, 0)
		switch v := a.(type) {
		case int64:
			b = strconv.AppendInt(append(b, 'i'), v, 10)
		case string:
			b = append(append(b, 's'), v...)
		default:
			b = fmt.Appendf(b, "%T:%v", a, a)
		}
	}
	k.buf = b
	return b
}

// where is an event's caller as file:line.
func where(e *sqltrace.Event) string {
	f := e.Caller()
	if f.File == "" {
		return "an unknown caller"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
}
