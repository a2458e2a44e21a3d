package render

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// sqlPanel shows the request's database operations, one by one, with what
// is wrong with them marked before anything is clicked: duplicates, similar
// queries (an N+1), slow and failed ones, transactions, and the line of Go
// that ran each.
type sqlPanel struct{}

// ID implements panels.Panel.
func (sqlPanel) ID() string { return "sql" }

// Title implements panels.Panel.
func (sqlPanel) Title() string { return "SQL" }

// Summary implements panels.Panel: "23 queries in 41.2 ms, 18 similar, 2
// duplicates".
func (p sqlPanel) Summary(r *panels.Record) string { return string(p.AppendSummary(nil, r)) }

// AppendSummary appends Summary(r) to b.
func (sqlPanel) AppendSummary(b []byte, r *panels.Record) []byte {
	st := &r.Stats
	if st.Statements == 0 {
		return append(b, "No queries"...)
	}
	b = appendDuration(append(appendPlural(b, st.Statements, "query", "queries"), " in "...), st.SQLTime)
	if st.Similar > 0 {
		b = append(strconv.AppendInt(append(b, ", "...), int64(st.Similar), 10), " similar"...)
	}
	if st.Duplicates > 0 {
		b = appendPlural(append(b, ", "...), st.Duplicates, "duplicate", "duplicates")
	}
	if st.Errors > 0 {
		b = appendPlural(append(b, ", "...), st.Errors, "error", "errors")
	}
	return b
}

// Level implements panels.Panel: the highest severity of the record's SQL
// alerts (N+1, duplicates, slow and failed queries, too many queries...)
// that were not accepted.
func (sqlPanel) Level(r *panels.Record) panels.Severity {
	s := panels.Info
	for i := range r.Alerts {
		if a := &r.Alerts[i]; isSQLAlert(a) && !a.Accepted {
			s = max(s, a.Severity)
		}
	}
	return s
}

// Content implements panels.Panel.
func (sqlPanel) Content(r *panels.Record) templ.Component {
	return withRecordID(r.ID, sqlContent(newSQLView(r)))
}

// isSQLAlert reports whether an alert belongs to the SQL panel: it is
// about some of its queries, or about the request's queries as a whole.
func isSQLAlert(a *panels.Alert) bool {
	switch a.Kind {
	case panels.AlertTooManyQueries, panels.AlertQueriesCapped, panels.AlertUnattributed:
		return true
	case panels.AlertPoolWait, panels.AlertOpenTransaction, panels.AlertTxAcrossHTTP:
		return true
	}
	return len(a.Queries) > 0
}

// rowBadges are the alerts a query's row is marked with, by kind: a
// short label, and the test id the tests find it by. Duplicates, queries
// without a context and rows never closed have badges of their own.
var rowBadges = map[panels.AlertKind]struct{ label, id string }{
	panels.AlertNPlusOne:        {"N+1", "query-nplusone"},
	panels.AlertSlowQuery:       {"slow", "query-slow"},
	panels.AlertLargeResult:     {"large result", "query-large"},
	panels.AlertWideRows:        {"SELECT *", "query-wide"},
	panels.AlertOffset:          {"large OFFSET", "query-offset"},
	panels.AlertRowByRow:        {"row by row", "query-row-by-row"},
	panels.AlertReadModifyWrite: {"read-modify-write", "query-rmw"},
}

// rowBadge is an alert's mark on a query's row.
type rowBadge struct {
	Label, TestID, Title string
	Severity             panels.Severity
}

// sqlView is the SQL panel, computed.
type sqlView struct {
	ID      string // the record's
	Stats   *panels.Stats
	Alerts  []panels.Alert
	Rows    []queryRow
	Items   []sqlItem // Rows, similar ones grouped (sql_groups.go)
	Dropped int
	// Pools are the databases' pools, one line each (sql_pools.go).
	Pools []string
	// SlowestMS is the max of every row's meter.
	SlowestMS string
}

// queryRow is one database operation as the panel shows it.
type queryRow struct {
	N     int // 1-based
	Query *panels.Query
	// Control is a begin, commit or rollback: a small row.
	Control bool
	Similar, SimilarN,
	Duplicate, DuplicateN int // -1 and 0 when the query is alone
	Badges    []rowBadge // the alerts about it
	NoContext bool       // run without the request's context, tied by its goroutine
	Class     string     // of the row: its similar group's colour and its state
	Tokens    []sqlToken // the statement's first lines (see queryExtra)
	Caller    panels.Frame
	Stack     []panels.Frame
	DurMS     string
	X, W      string // the query on the request's time axis
	// Explain and Analyze: the panel offers to explain the query
	// (Analyze on PostgreSQL only); Plan is the plan kept, with the
	// alerts found in it.
	Explain, Analyze bool
	Plan             *panels.Plan
	PlanAlerts       []panels.Alert
	queryExtra
}

func newSQLView(r *panels.Record) *sqlView {
	v := &sqlView{ID: r.ID, Stats: &r.Stats, Dropped: r.QueriesDropped, SlowestMS: msValue(max(r.Stats.Slowest, time.Microsecond)), Pools: poolLines(r)}
	var badges map[int32][]rowBadge
	all := slices.Concat(r.Alerts, r.PlanAlerts())
	for i := range all {
		a := &all[i]
		if !isSQLAlert(a) {
			continue
		}
		v.Alerts = append(v.Alerts, *a)
		b, ok := rowBadges[a.Kind]
		if !ok {
			continue
		}
		if badges == nil {
			badges = map[int32][]rowBadge{}
		}
		for _, q := range a.Queries {
			badges[q] = append(badges[q], rowBadge{Label: b.label, TestID: b.id, Title: a.Message, Severity: a.Severity})
		}
	}
	v.Alerts = bySeverity(v.Alerts)
	// The axis of each row's little timeline is the request, stretched to
	// the last query's end.
	axis := r.Duration
	for i := range r.Queries {
		axis = max(axis, r.Queries[i].Start+r.Queries[i].Duration)
	}
	axis = max(axis, time.Microsecond)
	// Similar groups are numbered among the shapes run more than once.
	similar := make([]int, len(r.Shapes))
	n := 0
	for i := range r.Shapes {
		similar[i] = -1
		if len(r.Shapes[i].Queries) > 1 {
			similar[i] = n
			n++
		}
	}
	dupOf := make([]int32, len(r.Queries)) // each query's duplicate group, from 1
	for g, d := range r.Duplicates {
		for _, i := range d {
			dupOf[i] = int32(g + 1)
		}
	}
	v.Rows = make([]queryRow, len(r.Queries))
	for i := range r.Queries {
		q := &r.Queries[i]
		row := &v.Rows[i]
		*row = queryRow{
			N: i + 1, Query: q, Similar: -1, Duplicate: -1,
			DurMS:     msValue(q.Duration),
			NoContext: q.NoContext && !r.Outside,
		}
		if q.Shape >= 0 && similar[q.Shape] >= 0 {
			row.Similar, row.SimilarN = similar[q.Shape], len(r.Shapes[q.Shape].Queries)
		}
		if g := dupOf[i]; g > 0 {
			row.Duplicate, row.DuplicateN = int(g-1), len(r.Duplicates[g-1])
		}
		row.Control = !q.IsStatement() && q.Kind != sqltrace.KindPrepare
		row.Badges = badges[int32(i)]
		row.Stack = r.Stack(q.Stack)
		if len(row.Stack) > 0 {
			row.Caller = row.Stack[0]
		}
		row.setExtra(q, q.Args())
		row.X, row.W = span(q.Start, q.Duration, axis)
		row.Explain, row.Analyze = explainable(r, q)
		if row.Plan = r.Plan(int32(i)); row.Plan != nil {
			row.PlanAlerts = planAlertsOf(r, int32(i))
		}
		row.Class = rowClass(row)
	}
	v.Items = groupRows(r, v.Rows)
	return v
}

// rowsText says what a statement returned: "3 rows", "1 affected".
func rowsText(e *panels.Query) string {
	if e.Rows < 0 {
		return ""
	}
	switch e.Kind {
	case sqltrace.KindQuery:
		if e.Rows == 1 {
			return "1 row"
		}
		return strconv.FormatInt(e.Rows, 10) + " rows"
	case sqltrace.KindExec:
		return strconv.FormatInt(e.Rows, 10) + " affected"
	}
	return ""
}

// rowClass is the class list of a query's row, built once: templ's class
// expressions cost a map per element.
func rowClass(q *queryRow) string {
	c := "dt-query"
	if g := groupClass(q.Similar); g != "" {
		c += " " + g
	}
	for _, f := range []struct {
		on    bool
		class string
	}{
		{q.Control, " dt-query-control"}, {q.Query.Tx > 0, " dt-in-tx"}, {q.Query.Err != "", " dt-query-error"},
	} {
		if f.on {
			c += f.class
		}
	}
	for _, b := range q.Badges {
		switch b.TestID {
		case "query-slow":
			c += " dt-query-slow"
		case "query-nplusone":
			c += " dt-query-nplusone"
		}
	}
	return c
}

// groupClass colours a similar group's left border; eight colours cycle.
func groupClass(g int) string {
	if g < 0 {
		return ""
	}
	return groupClasses[g%len(groupClasses)]
}

var groupClasses = [...]string{"dt-group-0", "dt-group-1", "dt-group-2", "dt-group-3", "dt-group-4", "dt-group-5", "dt-group-6", "dt-group-7"}

// where is a frame as a short "file.go:42", or "unknown" when it was not
// captured.
func frameWhere(f panels.Frame) string {
	if f.File == "" {
		return "unknown"
	}
	return filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
}

// frameFull is a frame's full path and line, for a tooltip.
func frameFull(f panels.Frame) string {
	if f.File == "" {
		return "caller not captured"
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}

// funcName is a frame's function without its package's path:
// "handlers.(*Server).listPosts".
func funcName(f panels.Frame) string {
	name := f.Function
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func itoa(i int) string { return strconv.Itoa(i) }
