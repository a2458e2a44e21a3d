package panels

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Plan is a query's execution plan as the database's EXPLAIN gave it, in
// one shape for every dialect (PostgreSQL's EXPLAIN (FORMAT JSON),
// MySQL's and MariaDB's EXPLAIN FORMAT=JSON, SQLite's EXPLAIN QUERY PLAN),
// so that it reads and renders the same whatever ran it. A plan is not
// changed once it is kept.
type Plan struct {
	Dialect string `json:"dialect"` // "postgres", "mysql" or "sqlite"
	// Analyze reports a plan taken with EXPLAIN ANALYZE: the query ran
	// (in a transaction rolled back), and the nodes have actual figures.
	Analyze bool `json:"analyze,omitempty"`
	// Auto reports a plan the toolbar took by itself, because the query
	// was slow.
	Auto  bool       `json:"auto,omitempty"`
	Taken time.Time  `json:"taken"`
	Nodes []PlanNode `json:"nodes"` // the roots, usually one
	// Err says why there is no plan (EXPLAIN failed); Nodes is empty then.
	Err string `json:"error,omitempty"`
}

// PlanNode is one step of a plan.
type PlanNode struct {
	// Op is the step as the database names it: "Seq Scan", "Index Scan",
	// "Hash Join" (PostgreSQL); "ALL", "ref", "range" (MySQL's access
	// type); "SCAN", "SEARCH", "USE TEMP B-TREE" (SQLite).
	Op    string `json:"op"`
	Table string `json:"table,omitempty"`
	Index string `json:"index,omitempty"`
	// Detail is the rest of what the database said of the step: a
	// condition, a join type, SQLite's whole line.
	Detail string `json:"detail,omitempty"`
	// Rows is the estimated rows the step produces, Cost its estimated
	// cost in the database's own units; 0 where the database gives none
	// (SQLite).
	Rows float64 `json:"rows,omitempty"`
	Cost float64 `json:"cost,omitempty"`
	// TableRows is the estimated rows of the table a scan reads, 0 when
	// unknown.
	TableRows float64 `json:"table_rows,omitempty"`
	// ActualRows and ActualMS are what the step did under ANALYZE (over
	// all its loops).
	ActualRows float64 `json:"actual_rows,omitempty"`
	ActualMS   float64 `json:"actual_ms,omitempty"`
	// FullScan reports a step that reads every row of Table.
	FullScan bool `json:"full_scan,omitempty"`
	// Columns are the columns of Table the step filters or sorts on,
	// filtered ones first: what an index would be made of.
	Columns  []string   `json:"columns,omitempty"`
	Children []PlanNode `json:"children,omitempty"`
}

// Walk calls f for each node of the plan, parents before their children,
// with its depth (0 for a root).
func (p *Plan) Walk(f func(n *PlanNode, depth int)) {
	var walk func(ns []PlanNode, depth int)
	walk = func(ns []PlanNode, depth int) {
		for i := range ns {
			f(&ns[i], depth)
			walk(ns[i].Children, depth+1)
		}
	}
	walk(p.Nodes, 0)
}

// planSet is the plans of a record's queries, taken after the record was
// finished (on demand, or because a query was slow), and the alerts found
// in them. A finished record is read by many goroutines without a lock,
// so its plans are not fields of it but live here, behind their own
// mutex, the way the count of late events is an atomic: a record is never
// copied or re-stored to add a plan, and what Finish computed is never
// changed. Plans and their alerts are replaced whole, never changed.
type planSet struct {
	mu     sync.Mutex
	plans  map[int32]*Plan
	alerts []Alert
	th     Thresholds // Finish's, for the alerts
}

// SetPlan keeps p as the plan of the query at index i of Queries,
// replacing any it had, and finds what is wrong in it (a full scan that
// wants an index: see [AlertMissingIndex]); PlanAlerts returns it. It is
// safe to call while the record is read.
func (r *Record) SetPlan(i int32, p *Plan) {
	if i < 0 || int(i) >= len(r.Queries) || p == nil {
		return
	}
	s := &r.plans
	s.mu.Lock()
	defer s.mu.Unlock()
	plans := maps.Clone(s.plans)
	if plans == nil {
		plans = map[int32]*Plan{}
	}
	plans[i] = p
	var alerts []Alert
	for _, q := range slices.Sorted(maps.Keys(plans)) {
		alerts = append(alerts, r.missingIndex(q, plans[q], s.th.withDefaults())...)
	}
	s.plans, s.alerts = plans, alerts
}

// Plan returns the plan kept for the query at index i, or nil.
func (r *Record) Plan(i int32) *Plan {
	r.plans.mu.Lock()
	defer r.plans.mu.Unlock()
	return r.plans.plans[i]
}

// Plans returns the plans kept, by query index. The map is the record's
// own: read it, do not change it.
func (r *Record) Plans() map[int32]*Plan {
	r.plans.mu.Lock()
	defer r.plans.mu.Unlock()
	return r.plans.plans
}

// PlanAlerts are the alerts found in the plans kept (see SetPlan), apart
// from Alerts, which Finish computed before any plan was taken. Summary
// counts both.
func (r *Record) PlanAlerts() []Alert {
	r.plans.mu.Lock()
	defer r.plans.mu.Unlock()
	return r.plans.alerts
}

// missingIndex raises an alert for each full scan in the plan of query i
// that reads more than a few rows to filter or sort on some columns: an
// index on them would serve it.
func (r *Record) missingIndex(i int32, p *Plan, t Thresholds) []Alert {
	q := &r.Queries[i]
	var alerts []Alert
	seen := map[string]bool{}
	p.Walk(func(n *PlanNode, _ int) {
		if !n.FullScan || n.Table == "" || len(n.Columns) == 0 {
			return
		}
		rows := n.TableRows
		if rows == 0 {
			rows = n.Rows
		}
		if rows < float64(t.MissingIndexRows) {
			return
		}
		cols := strings.Join(n.Columns, ", ")
		if seen[n.Table+"("+cols] {
			return
		}
		seen[n.Table+"("+cols] = true
		create := "CREATE INDEX ON " + n.Table + " (" + cols + ")"
		if p.Dialect != "postgres" { // PostgreSQL alone names the index itself
			create = "CREATE INDEX " + indexName(n.Table, n.Columns) + " ON " + n.Table + " (" + cols + ")"
		}
		a := Alert{Kind: AlertMissingIndex, Severity: Warning, Queries: []int32{i},
			Message: fmt.Sprintf("Missing index: the query at %s reads all of %s (about %.0f rows) to find or sort on %s", r.where(q.Stack), n.Table, rows, cols),
			Fix:     create + ";",
		}
		if f := r.Caller(q.Stack); f.File != "" {
			a.Sites = []Frame{f}
		}
		alerts = append(alerts, a)
	})
	return alerts
}

// indexName is the name of an index on table's cols: "pets_owner_id".
func indexName(table string, cols []string) string {
	name := table
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	for _, c := range cols {
		name += "_" + c
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}
