package panels

import (
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// SQLPanel shows the request's database operations, one by one, with what
// is wrong with them marked before anything is clicked: duplicates, similar
// queries (an N+1), slow and failed ones, transactions, and the line of Go
// that ran each.
type SQLPanel struct{}

// ID implements Panel.
func (SQLPanel) ID() string { return "sql" }

// Title implements Panel.
func (SQLPanel) Title() string { return "SQL" }

// Summary implements Panel: "23 queries in 41.2 ms, 18 similar, 2
// duplicates".
func (SQLPanel) Summary(r *Record) string {
	st := newSQLStats(r)
	if st.Statements == 0 {
		return "No queries"
	}
	s := plural(st.Statements, "query", "queries") + " in " + formatDuration(st.Time)
	if st.Similar > 0 {
		s += ", " + strconv.Itoa(st.Similar) + " similar"
	}
	if st.Duplicates > 0 {
		s += ", " + plural(st.Duplicates, "duplicate", "duplicates")
	}
	if st.Errors > 0 {
		s += ", " + plural(st.Errors, "error", "errors")
	}
	return s
}

// Level implements Panel: the highest severity of the record's SQL alerts
// (N+1, duplicates, slow and failed queries, too many queries).
func (SQLPanel) Level(r *Record) Severity {
	s := Info
	for i := range r.Alerts {
		if isSQLAlert(r.Alerts[i].Kind) {
			s = max(s, r.Alerts[i].Severity)
		}
	}
	return s
}

// Content implements Panel.
func (SQLPanel) Content(r *Record) templ.Component { return sqlContent(newSQLView(r)) }

// isSQLAlert reports whether an alert belongs to the SQL panel.
func isSQLAlert(k AlertKind) bool {
	switch k {
	case AlertNPlusOne, AlertDuplicate, AlertSlowQuery, AlertQueryErrors, AlertTooManyQueries, AlertQueriesCapped:
		return true
	}
	return false
}

// sqlStats are the counts of the SQL panel's header, computed in one pass
// with one fingerprint per statement.
type sqlStats struct {
	Statements int // queries and execs
	Queries    int
	Execs      int
	Errors     int
	Time       time.Duration // of every operation, transactions' included
	Slowest    time.Duration
	// Similar counts the statements that share their fingerprint with
	// another; Duplicates those that share their SQL and arguments.
	Similar    int
	Duplicates int

	// Per index into Record.Queries: the statement's similar and
	// duplicate group (-1 for none) and the group sizes.
	similar, duplicate []int32
	similarN, dupN     []int32
	similarGroups      int
	dupGroups          int
}

func newSQLStats(r *Record) *sqlStats {
	n := len(r.Queries)
	st := &sqlStats{
		similar: make([]int32, n), duplicate: make([]int32, n),
	}
	type group struct{ id, n int32 }
	shapes := make(map[string]*group)
	exact := make(map[string]*group)
	var shapeOf, exactOf = make([]*group, n), make([]*group, n)
	var keys exactKeyer
	for i := range r.Queries {
		e := &r.Queries[i]
		st.Time += e.Duration
		st.Slowest = max(st.Slowest, e.Duration)
		if e.Kind != sqltrace.KindQuery && e.Kind != sqltrace.KindExec {
			continue
		}
		st.Statements++
		if e.Kind == sqltrace.KindQuery {
			st.Queries++
		} else {
			st.Execs++
		}
		if e.Err != nil {
			st.Errors++
		}
		fp := Fingerprint(e.SQL)
		g := shapes[fp]
		if g == nil {
			g = &group{id: -1}
			shapes[fp] = g
		}
		g.n++
		shapeOf[i] = g
		// The same key as Analyze, so the badges agree with the alerts.
		k := keys.key(e)
		d := exact[string(k)]
		if d == nil {
			d = &group{id: -1}
			exact[string(k)] = d
		}
		d.n++
		exactOf[i] = d
	}
	st.similarN, st.dupN = make([]int32, n), make([]int32, n)
	for i := range n {
		st.similar[i], st.duplicate[i] = -1, -1
		if g := shapeOf[i]; g != nil && g.n > 1 {
			if g.id < 0 {
				g.id = int32(st.similarGroups)
				st.similarGroups++
			}
			st.similar[i], st.similarN[i] = g.id, g.n
			st.Similar++
		}
		if g := exactOf[i]; g != nil && g.n > 1 {
			if g.id < 0 {
				g.id = int32(st.dupGroups)
				st.dupGroups++
			}
			st.duplicate[i], st.dupN[i] = g.id, g.n
			st.Duplicates++
		}
	}
	return st
}

// sqlView is the SQL panel, computed.
type sqlView struct {
	Stats   *sqlStats
	Alerts  []Alert
	Rows    []queryRow
	Dropped int
	// SlowestMS is the max of every row's meter.
	SlowestMS string
}

// queryRow is one database operation as the panel shows it.
type queryRow struct {
	N     int // 1-based
	Event *sqltrace.Event
	// Control is a begin, commit or rollback: a small row.
	Control bool
	Tx      int // the transaction's number in this request, 0 outside one
	Similar, SimilarN,
	Duplicate, DuplicateN int // -1 and 0 when the query is alone
	NPlusOne, Slow bool
	NoContext      bool   // run without the request's context, tied by its goroutine
	Class          string // of the row: its similar group's colour and its state
	Tokens         []SQLToken
	Args           []string
	Caller         runtime.Frame
	Stack          []runtime.Frame
	DurMS          string
	X, W           string // the query on the request's time axis
	Start          time.Duration
}

func newSQLView(r *Record) *sqlView {
	st := newSQLStats(r)
	v := &sqlView{Stats: st, Dropped: r.QueriesDropped, SlowestMS: msValue(max(st.Slowest, time.Microsecond))}
	const (
		flagNPlusOne = 1 << iota
		flagSlow
	)
	flags := make(map[int]uint8)
	for _, a := range r.Alerts {
		if !isSQLAlert(a.Kind) {
			continue
		}
		v.Alerts = append(v.Alerts, a)
		for _, i := range a.Queries {
			switch a.Kind {
			case AlertNPlusOne:
				flags[i] |= flagNPlusOne
			case AlertSlowQuery:
				flags[i] |= flagSlow
			}
		}
	}
	v.Alerts = bySeverity(v.Alerts)
	// The axis of each row's little timeline is the request, stretched to
	// the last query's end.
	axis := r.Duration
	for i := range r.Queries {
		axis = max(axis, offset(r.Start, r.Queries[i].Start)+r.Queries[i].Duration)
	}
	axis = max(axis, time.Microsecond)
	txs := make(map[uint64]int)
	v.Rows = make([]queryRow, len(r.Queries))
	for i := range r.Queries {
		e := &r.Queries[i]
		row := &v.Rows[i]
		*row = queryRow{
			N: i + 1, Event: e,
			Similar: int(st.similar[i]), SimilarN: int(st.similarN[i]),
			Duplicate: int(st.duplicate[i]), DuplicateN: int(st.dupN[i]),
			DurMS:     msValue(e.Duration),
			Start:     offset(r.Start, e.Start),
			NoContext: e.NoContext && !r.Outside,
		}
		switch e.Kind {
		case sqltrace.KindBegin, sqltrace.KindCommit, sqltrace.KindRollback, sqltrace.KindAcquire:
			row.Control = true
		}
		if e.TxID != 0 {
			if txs[e.TxID] == 0 {
				txs[e.TxID] = len(txs) + 1
			}
			row.Tx = txs[e.TxID]
		}
		row.NPlusOne, row.Slow = flags[i]&flagNPlusOne != 0, flags[i]&flagSlow != 0
		if e.SQL != "" {
			row.Tokens = FormatSQL(e.SQL)
		}
		if len(e.Args) > 0 {
			row.Args = make([]string, len(e.Args))
			for j, a := range e.Args {
				row.Args[j] = FormatArg(a)
			}
		}
		// The stack starts at the caller: one symbolisation for both.
		row.Stack = e.Stack()
		if len(row.Stack) > 0 {
			row.Caller = row.Stack[0]
		}
		row.X, row.W = span(row.Start, e.Duration, axis)
		row.Class = rowClass(row)
	}
	return v
}

// FormatArg shows a SQL argument as text: strings quoted, bytes as
// x'hex', NULL, times in RFC 3339, named arguments as name=value.
func FormatArg(a any) string {
	switch v := a.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(v)
	case []byte:
		return "x'" + hex.EncodeToString(v) + "'"
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case sql.NamedArg:
		return v.Name + "=" + FormatArg(v.Value)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(a)
}

// rowsText says what a statement returned: "3 rows", "1 affected".
func rowsText(e *sqltrace.Event) string {
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
		{q.Control, " dt-query-control"}, {q.Tx > 0, " dt-in-tx"}, {q.Event.Err != nil, " dt-query-error"},
		{q.Slow, " dt-query-slow"}, {q.NPlusOne, " dt-query-nplusone"},
	} {
		if f.on {
			c += f.class
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
func frameWhere(f runtime.Frame) string {
	if f.File == "" {
		return "unknown"
	}
	return filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
}

// frameFull is a frame's full path and line, for a tooltip.
func frameFull(f runtime.Frame) string {
	if f.File == "" {
		return "caller not captured"
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}

// funcName is a frame's function without its package's path:
// "handlers.(*Server).listPosts".
func funcName(f runtime.Frame) string {
	name := f.Function
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func itoa(i int) string { return strconv.Itoa(i) }
