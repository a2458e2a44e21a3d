package panels

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// A detector finds one class of problem in a record that has been grouped
// and counted (Shapes, Duplicates and Stats are set).
type detector func(r *Record, t *Thresholds) []Alert

// detectors run in this order, which is the order of the alerts.
var detectors = []detector{
	detectFailed,
	detectSlow,
	detectRepeats,
	detectReadModifyWrite,
	detectUncached,
	detectTooMany,
	detectLargeResults,
	detectWideRows,
	detectOffsets,
	detectDropped,
	detectContext,
}

// fewRows is the most rows a query of an N+1 reads: each of its queries
// fetches one row or a handful (an author, a post's tags), and a loop of
// queries reading hundreds each is a different problem.
const fewRows = 20

func detectFailed(r *Record, _ *Thresholds) []Alert {
	var alerts []Alert
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.IsStatement() && q.Err != "" {
			alerts = append(alerts, r.queryAlert(int32(i), AlertQueryErrors, Danger,
				"Query failed at "+r.where(q.Stack)+": "+q.Err,
				"Check the statement and its arguments in the SQL panel against the schema; the app received this error, so also check that it handles it rather than rendering a half-empty page."))
		}
	}
	return alerts
}

func detectSlow(r *Record, t *Thresholds) []Alert {
	var alerts []Alert
	var slowest []time.Duration
	of := map[[2]int32]int{} // shape and stack -> its alert
	for i := range r.Queries {
		q := &r.Queries[i]
		if !q.IsStatement() || q.Duration < t.SlowQuery {
			continue
		}
		key := [2]int32{q.Shape, q.Stack}
		if j, ok := of[key]; ok {
			alerts[j].Queries = append(alerts[j].Queries, int32(i))
			slowest[j] = max(slowest[j], q.Duration)
			continue
		}
		of[key] = len(alerts)
		alerts = append(alerts, r.queryAlert(int32(i), AlertSlowQuery, Warning, "",
			"Read its plan (Explain): an index on the columns it filters, joins or sorts on usually serves it; otherwise read fewer rows (LIMIT, a narrower WHERE) or cache the result."))
		slowest = append(slowest, q.Duration)
	}
	// One alert per statement and line: a loop of slow queries (or a slow
	// machine) is one finding, not hundreds.
	for j := range alerts {
		a := &alerts[j]
		at := r.where(r.Queries[a.Queries[0]].Stack)
		if n := len(a.Queries); n > 1 {
			a.Message = fmt.Sprintf("Slow query, %d times (up to %s) at %s", n, slowest[j].Round(time.Millisecond), at)
		} else {
			a.Message = fmt.Sprintf("Slow query (%s) at %s", slowest[j].Round(time.Millisecond), at)
		}
	}
	return alerts
}

// detectRepeats finds N+1 queries, writes made row by row, and
// duplicates. An N+1 is one shape run
// Thresholds.NPlusOne times or more from one call path with other
// arguments, each reading a row or a few: a loop that queries once per
// item. Lookups from different lines are not one (two helpers that each
// load the user), and neither is a loop of execs (a COPY or batch insert
// is the fix for those, not a JOIN: they are row_by_row_writes from
// Thresholds.RowByRow). Duplicates are the same SQL and
// arguments run twice or more; one alert per shape names every line that
// ran them, unless they all belong to an N+1 already raised.
func detectRepeats(r *Record, t *Thresholds) []Alert {
	if r.Outside { // unrelated jobs share shapes: no N+1 or duplicates across them
		return nil
	}
	var alerts []Alert
	var inLoop bitset // statements an N+1 alert covers
	for s := range r.Shapes {
		sh := &r.Shapes[s]
		if len(sh.Queries) < t.NPlusOne || sh.Distinct < 2 {
			continue
		}
		for _, run := range r.byStack(sh.Queries) {
			if r.isLoopOf(run, sqltrace.KindExec, -1) && len(run) >= t.RowByRow {
				sites := r.loopSites(run)
				alerts = append(alerts, Alert{Kind: AlertRowByRow, Severity: Warning, Queries: run, Sites: sites,
					Message: message("The same write ran ", len(run), " times, one row at a time, from ", true, sites),
					Fix:     "Write the rows in one statement: a multi-row INSERT ... VALUES (...), (...), COPY (pgx's CopyFrom, lib/pq's CopyIn), or UPDATE ... WHERE id = ANY($1); at the least, run the loop in one transaction with a prepared statement."})
				inLoop.addAll(run, len(r.Queries))
				continue
			}
			if len(run) < t.NPlusOne || !r.isLoopOf(run, sqltrace.KindQuery, fewRows) {
				continue
			}
			sites := r.loopSites(run)
			alerts = append(alerts, Alert{Kind: AlertNPlusOne, Severity: Danger, Queries: run, Sites: sites,
				Message: message("N+1: the same query ran ", len(run), " times with other values, from ", true, sites),
				Fix:     "Load them with one query before the loop: a JOIN, or collect the ids and query once with IN (...) (sqlx.In) or = ANY($1) on PostgreSQL, then look the rows up in a map."})
			inLoop.addAll(run, len(r.Queries))
		}
	}
	dupsOf := map[int32][]int32{} // shape -> its statements that repeat each other
	var order []int32
	for _, d := range r.Duplicates {
		if !slices.ContainsFunc(d, func(i int32) bool { return !inLoop.has(i) }) {
			continue
		}
		s := r.Queries[d[0]].Shape
		if _, ok := dupsOf[s]; !ok {
			order = append(order, s)
		}
		dupsOf[s] = append(dupsOf[s], d...)
	}
	slices.Sort(order)
	for _, s := range order {
		dup := dupsOf[s]
		slices.Sort(dup)
		sites := r.sites(r.Queries, dup)
		alerts = append(alerts, Alert{Kind: AlertDuplicate, Severity: Warning, Queries: dup, Sites: sites,
			Message: message("", len(dup), " identical queries (same SQL and arguments) from ", false, sites),
			Fix:     "Run it once and pass the result along: load it where the request starts (a middleware storing it in the context) or keep it for the request; every line listed runs it again."})
	}
	return alerts
}

// bitset is a set of small numbers (statement indexes, a stack's frames),
// allocated when the first is added.
type bitset []uint64

// addAll adds idx, of statements numbered below n.
func (b *bitset) addAll(idx []int32, n int) {
	for _, i := range idx {
		b.add(i, n)
	}
}

// add adds i, of numbers below n.
func (b *bitset) add(i int32, n int) {
	if *b == nil {
		*b = make(bitset, (n+63)/64)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) has(i int32) bool { return b != nil && b[i/64]&(1<<(i%64)) != 0 }

// byStack splits a shape's statements by the call path that ran them, in
// the order each path was first met. When one path ran them all, the
// run is idx itself, shared (both are read only): a record keeps no
// second copy of a long N+1's indexes.
func (r *Record) byStack(idx []int32) [][]int32 {
	if !slices.ContainsFunc(idx, func(i int32) bool { return r.Queries[i].Stack != r.Queries[idx[0]].Stack }) {
		return [][]int32{idx}
	}
	var stacks []int32
	var runs [][]int32
	for _, i := range idx {
		st := r.Queries[i].Stack
		j := slices.Index(stacks, st)
		if j < 0 {
			j = len(stacks)
			stacks, runs = append(stacks, st), append(runs, nil)
		}
		runs[j] = append(runs[j], i)
	}
	return runs
}

// isLoopOf reports whether statements of one shape and call path look
// like a loop's: all of kind, with at least two different argument
// lists, none a COPY, each reading at most maxRows (-1: any).
func (r *Record) isLoopOf(run []int32, kind sqltrace.Kind, maxRows int64) bool {
	first := r.Queries[run[0]].args
	if isCopy(r.Queries[run[0]].SQL) { // one shape, so one first keyword
		return false
	}
	distinct := false
	for _, i := range run {
		q := &r.Queries[i]
		if q.Kind != kind || maxRows >= 0 && q.Rows > maxRows {
			return false
		}
		distinct = distinct || q.args != first
	}
	return distinct
}

// appendLoop appends a description of a loop's sites, for a message:
// "the loop at web/feed.go:42 (through store/posts.go:17)".
func appendLoop(b []byte, sites []Frame) []byte {
	if len(sites) == 0 {
		return append(b, "an unknown line"...)
	}
	b = sites[0].appendShort(append(b, "the loop at "...))
	if len(sites) > 1 {
		b = append(appendSites(append(b, " (through "...), sites[1:]), ')')
	}
	return b
}

// loopSites are where an N+1's fix belongs: the loop, found as the
// outermost line of app code the repeated calls do not share with the
// request's other statements (the handler's line that queried the list
// is shared up to the handler, the loop's line is not), then what the
// loop called when that is app code too (a helper, a templ component),
// then the line that ran the query (the repository method).
func (r *Record) loopSites(run []int32) []Frame {
	st := r.Queries[run[0]].Stack
	frames := r.Stack(st)
	if len(frames) == 0 {
		return nil
	}
	stack := r.Stacks[st]
	shared := 0 // the most outer frames the run's stack shares with another statement's
	for i := range r.Queries {
		if o := r.Queries[i].Stack; o != st && o >= 0 && r.Queries[i].IsStatement() {
			shared = max(shared, commonOuter(frames, r.Stack(o)))
		}
	}
	loop := 0
	for i := len(frames) - 1 - shared; i > 0; i-- {
		if stack.isApp(i) {
			loop = i
			break
		}
	}
	if loop == 0 {
		return frames[:1]
	}
	if loop > 1 && stack.isApp(1) { // what the loop calls, when it is not the query's line: a helper, a template
		return []Frame{frames[loop], frames[1], frames[0]}
	}
	return []Frame{frames[loop], frames[0]}
}

// commonOuter counts the outermost frames two stacks have in common.
func commonOuter(a, b []Frame) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func detectTooMany(r *Record, t *Thresholds) []Alert {
	if r.Outside || r.Stats.Statements < t.TooManyQueries {
		return nil
	}
	idx := make([]int32, 0, len(r.Queries))
	for i := range r.Queries {
		if r.Queries[i].IsStatement() {
			idx = append(idx, int32(i))
		}
	}
	sites := r.sites(r.Queries, idx)
	return []Alert{{Kind: AlertTooManyQueries, Severity: Warning, Sites: sites,
		Message: fmt.Sprintf("%d queries in one request, most from %s", r.Stats.Statements, describeSites(sites)),
		Fix:     "Fetch what the page needs in a few queries (JOINs, IN (...) batches, one query per list rather than per item), and cache what does not change per request."}}
}

func detectLargeResults(r *Record, t *Thresholds) []Alert {
	var alerts []Alert
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Kind == sqltrace.KindQuery && q.Rows >= int64(t.LargeResult) {
			alerts = append(alerts, r.queryAlert(int32(i), AlertLargeResult, Warning,
				fmt.Sprintf("One query read %d rows at %s", q.Rows, r.where(q.Stack)),
				"Let the database do the counting, filtering and paging: SELECT COUNT(*), a WHERE on what the Go code filters by, GROUP BY for totals, LIMIT for a page. Every row read is sent, decoded and collected."))
		}
	}
	return alerts
}

// detectWideRows raises one alert per shape that selects every column
// (SELECT * or t.*): the rows carry columns the page may not use, and
// the code breaks or slows when a column is added.
func detectWideRows(r *Record, _ *Thresholds) []Alert {
	var alerts []Alert
	for s := range r.Shapes {
		sh := &r.Shapes[s]
		q := &r.Queries[sh.Queries[0]]
		if q.Kind != sqltrace.KindQuery || !selectsStar(q.SQL) {
			continue
		}
		sites := r.sites(r.Queries, sh.Queries)
		alerts = append(alerts, Alert{Kind: AlertWideRows, Severity: Info, Queries: sh.Queries, Sites: sites,
			Message: "SELECT * reads every column, at " + describeSites(sites),
			Fix:     "Name the columns the code uses (SELECT id, name FROM ...): less to read and send, index-only scans become possible, and adding a column does not change what the code receives."})
	}
	return alerts
}

// detectOffsets finds pages read with a large OFFSET: the database reads
// and throws away every row before the page, so each page costs more than
// the last.
func detectOffsets(r *Record, t *Thresholds) []Alert {
	var alerts []Alert
	var lastSQL string // a request repeats its statements: look at each text once
	mentions := false
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Kind != sqltrace.KindQuery {
			continue
		}
		if q.SQL != lastSQL {
			lastSQL, mentions = q.SQL, mentionsOffset(q.SQL)
		}
		if !mentions {
			continue
		}
		if n, ok := offsetOf(q); ok && n >= int64(t.Offset) {
			alerts = append(alerts, r.queryAlert(int32(i), AlertOffset, Warning,
				fmt.Sprintf("OFFSET %d at %s: the database reads and discards %d rows to find the page", n, r.where(q.Stack), n),
				"Page by key instead (keyset pagination): remember the last row's sort key and ask for WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 20, served by an index on those columns."))
		}
	}
	return alerts
}

func detectDropped(r *Record, _ *Thresholds) []Alert {
	if r.QueriesDropped == 0 {
		return nil
	}
	return []Alert{{Kind: AlertQueriesCapped, Severity: Info,
		Message: plural(r.QueriesDropped, "more operation was", "more operations were") + " not kept (the per-request cap): the counts include them, the list does not",
		Fix:     "Raise Config.MaxQueries to see them all, or look at the shapes above: a request this busy usually has an N+1."}}
}

// selectsStar reports whether a statement selects every column: a * right
// after SELECT, DISTINCT, ALL or a comma, or a qualified t.*; COUNT(*) and
// a * b are not.
func selectsStar(sql string) bool {
	l := sqllex.New(sql)
	var prev sqllex.Token
	for {
		tok, ok := l.Next()
		if !ok {
			return false
		}
		if tok.Kind == sqllex.Comment {
			continue
		}
		if tok.Kind == sqllex.Operator && sql[tok.Start:tok.End] == "*" {
			switch {
			case prev.Kind == sqllex.Dot, prev.Kind == sqllex.Comma,
				prev.Keyword == sqllex.Select, prev.Keyword == sqllex.Distinct, prev.Keyword == sqllex.All:
				return true
			}
		}
		prev = tok
	}
}

// offsetOf returns the OFFSET of a query, a number written in the SQL or
// the argument of its placeholder, also in MySQL's LIMIT offset, count.
func offsetOf(q *Query) (int64, bool) {
	if !mentionsOffset(q.SQL) {
		return 0, false // most statements: not worth lexing
	}
	l := sqllex.New(q.SQL)
	var buf [64]sqllex.Token // on the stack, for most statements
	toks := buf[:0]
	for {
		tok, ok := l.Next()
		if !ok {
			break
		}
		if tok.Kind != sqllex.Comment {
			toks = append(toks, tok)
		}
	}
	placeholders := 0 // positional placeholders up to the current token, for ? style
	value := func(t sqllex.Token, nth int) (int64, bool) {
		text := q.SQL[t.Start:t.End]
		switch t.Kind {
		case sqllex.Number:
			n, err := strconv.ParseInt(text, 10, 64)
			return n, err == nil
		case sqllex.Placeholder:
			args := q.Args()
			pos := nth
			if len(text) > 1 {
				if n, err := strconv.Atoi(text[1:]); err == nil {
					pos = n - 1 // $2, ?2, :2
				} else if pos = slices.IndexFunc(args, func(a Arg) bool { return a.Name == text[1:] }); pos < 0 {
					return 0, false // :offset, @offset
				}
			}
			if pos < 0 || pos >= len(args) {
				return 0, false
			}
			switch v := args[pos].Value.(type) {
			case int64:
				return v, true
			case int:
				return int64(v), true
			}
		}
		return 0, false
	}
	for i, tok := range toks {
		if tok.Kind == sqllex.Placeholder {
			placeholders++
		}
		if i+1 >= len(toks) {
			break
		}
		next := toks[i+1]
		nth := placeholders // the index of next if it is a ? placeholder
		switch {
		case tok.Keyword == sqllex.Offset:
			return value(next, nth)
		case tok.Keyword == sqllex.Limit && i+3 < len(toks) && toks[i+2].Kind == sqllex.Comma:
			return value(next, nth) // LIMIT offset, count
		}
	}
	return 0, false
}

// isCopy reports whether a statement is a COPY.
func isCopy(sql string) bool {
	l := sqllex.New(sql)
	for {
		tok, ok := l.Next()
		if !ok {
			return false
		}
		if tok.Kind != sqllex.Comment {
			return tok.Kind == sqllex.Word && strings.EqualFold(sql[tok.Start:tok.End], "COPY")
		}
	}
}

// mentionsOffset reports whether sql spells OFFSET or LIMIT in any case:
// one without either cannot have them as keywords.
func mentionsOffset(sql string) bool {
	for i := 0; i+5 <= len(sql); i++ {
		switch sql[i] | 0x20 {
		case 'o':
			if i+6 <= len(sql) && strings.EqualFold(sql[i:i+6], "OFFSET") {
				return true
			}
		case 'l':
			if strings.EqualFold(sql[i:i+5], "LIMIT") {
				return true
			}
		}
	}
	return false
}

// detectContext is about where the toolbar found a request's queries:
// without its context, never closed, or on goroutines it did not start.
func detectContext(r *Record, _ *Thresholds) []Alert {
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
			Message: "Database work outside any observed request, on goroutines no request started (a worker pool started at boot, a goroutine that outlived its request)",
			Fix:     "If it is a request's work, pass the request's context with the job (db.QueryContext(ctx, ...)) so it is recorded on that request."})
	}
	if len(noCtx) > 0 {
		sites := r.sites(r.Queries, noCtx)
		alerts = append(alerts, Alert{Kind: AlertNoContext, Severity: Info, Queries: noCtx, Sites: sites,
			Message: plural(len(noCtx), "query", "queries") + " ran without the request's context, at " + describeSites(sites),
			Fix:     "Pass r.Context() (db.QueryContext(ctx, ...), sqlx's GetContext/SelectContext, GORM's db.WithContext(ctx)) so cancellation and timeouts reach them; the toolbar tied them to this request by the goroutine that ran them."})
	}
	for _, i := range unclosed {
		alerts = append(alerts, r.queryAlert(i, AlertUnclosedRows, Warning,
			"Rows never closed: the query at "+r.where(r.Queries[i].Stack)+" still held its rows and its connection when the request ended",
			"Close them: defer rows.Close() right after the error check, and check rows.Err() after the loop."))
	}
	if r.UnattributedCount > 0 {
		idx := make([]int32, len(r.Unattributed))
		for i := range idx {
			idx[i] = int32(i)
		}
		sites := r.sites(r.Unattributed, idx)
		alerts = append(alerts, Alert{Kind: AlertUnattributed, Severity: Warning, Sites: sites,
			Message: plural(r.UnattributedCount, "query", "queries") + " ran while this request ran, without its context, on goroutines it did not start, at " + describeSites(sites),
			Fix:     "If this request caused them (a worker pool doing its work), pass its r.Context() with the job; the toolbar cannot tell whose they are, so they are in the entry for work outside any request."})
	}
	return alerts
}

// queryAlert is an alert about one query, at the line that ran it.
func (r *Record) queryAlert(i int32, kind AlertKind, sev Severity, message, fix string) Alert {
	return Alert{Kind: kind, Severity: sev, Queries: []int32{i}, Sites: r.sites(r.Queries, []int32{i}), Message: message, Fix: fix}
}

// maxSites is how many lines an alert names.
const maxSites = 5

// sites are the distinct callers of some queries, most frequent first
// (first met among equals), at most maxSites.
func (r *Record) sites(qs []Query, idx []int32) []Frame {
	var frames []Frame
	var counts []int
	for _, i := range idx {
		f := r.Caller(qs[i].Stack)
		if f.File == "" {
			continue
		}
		if j := slices.Index(frames, f); j >= 0 {
			counts[j]++
			continue
		}
		frames, counts = append(frames, f), append(counts, 1)
	}
	order := make([]int, len(frames))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return counts[b] - counts[a] })
	out := make([]Frame, 0, min(len(order), maxSites))
	for _, i := range order[:min(len(order), maxSites)] {
		out = append(out, frames[i])
	}
	return out
}

// describeSites lists sites as file:line for a message.
func describeSites(sites []Frame) string { return string(appendSites(nil, sites)) }

// message is before, n, after and then the sites, as appendLoop (loop) or
// describeSites tells them, made one string at once: the messages of the
// alerts most pages have.
func message(before string, n int, after string, loop bool, s []Frame) string {
	var buf [160]byte
	b := append(strconv.AppendInt(append(buf[:0], before...), int64(n), 10), after...)
	if loop {
		return string(appendLoop(b, s))
	}
	return string(appendSites(b, s))
}

// appendSites appends describeSites(sites).
func appendSites(b []byte, sites []Frame) []byte {
	if len(sites) == 0 {
		return append(b, "an unknown caller"...)
	}
	for i, f := range sites {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = f.appendShort(b)
	}
	return b
}

// where is a stack's caller as dir/file:line.
func (r *Record) where(stack int32) string {
	f := r.Caller(stack)
	if f.File == "" {
		return "an unknown caller"
	}
	return f.short()
}

// plural returns "1 query" or "3 queries", for the alerts' messages.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
