package explain

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// PostgreSQL

func explainPostgres(ctx context.Context, tx *sql.Tx, stmt string, args []any, opts Options) (*panels.Plan, error) {
	// The server stops the statement too, should the client's cancel not
	// reach it.
	if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = "+strconv.FormatInt(opts.Timeout.Milliseconds(), 10)); err != nil {
		return nil, err
	}
	explain := "EXPLAIN (FORMAT JSON) "
	if opts.Analyze {
		explain = "EXPLAIN (ANALYZE, FORMAT JSON) "
	}
	var out string
	if err := tx.QueryRowContext(ctx, explain+stmt, args...).Scan(&out); err != nil {
		return nil, err
	}
	p, err := parsePostgres([]byte(out))
	if err != nil {
		return nil, err
	}
	// How big each scanned table is, from the planner's statistics (-1
	// when the table was never analysed or vacuumed).
	p.Walk(func(n *panels.PlanNode, _ int) {
		if !n.FullScan || n.Table == "" || ctx.Err() != nil {
			return
		}
		var rows sql.NullFloat64
		if tx.QueryRowContext(ctx, "SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass($1)", n.Table).Scan(&rows) == nil && rows.Float64 > 0 {
			n.TableRows = rows.Float64
		}
	})
	return p, nil
}

type pgNode struct {
	NodeType    string   `json:"Node Type"`
	Relation    string   `json:"Relation Name"`
	Schema      string   `json:"Schema"`
	Alias       string   `json:"Alias"`
	Index       string   `json:"Index Name"`
	JoinType    string   `json:"Join Type"`
	TotalCost   float64  `json:"Total Cost"`
	PlanRows    float64  `json:"Plan Rows"`
	ActualRows  *float64 `json:"Actual Rows"`
	ActualTotal float64  `json:"Actual Total Time"`
	Loops       float64  `json:"Actual Loops"`
	Filter      string   `json:"Filter"`
	IndexCond   string   `json:"Index Cond"`
	HashCond    string   `json:"Hash Cond"`
	MergeCond   string   `json:"Merge Cond"`
	JoinFilter  string   `json:"Join Filter"`
	SortKey     []string `json:"Sort Key"`
	Plans       []pgNode `json:"Plans"`
}

// parsePostgres reads EXPLAIN (FORMAT JSON): a list of one {"Plan": ...}.
func parsePostgres(b []byte) (*panels.Plan, error) {
	var top []struct {
		Plan pgNode `json:"Plan"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	p := &panels.Plan{}
	for _, t := range top {
		p.Nodes = append(p.Nodes, pgPlanNode(&t.Plan, nil))
	}
	return p, nil
}

// pgPlanNode converts n; sortedBy are the sort keys of the Sort above it
// (through nodes that keep the order: Gather, Limit, ...).
func pgPlanNode(n *pgNode, sortedBy []string) panels.PlanNode {
	out := panels.PlanNode{Op: n.NodeType, Table: n.Relation, Index: n.Index, Rows: n.PlanRows, Cost: n.TotalCost}
	if n.Schema != "" && n.Relation != "" {
		out.Table = n.Schema + "." + n.Relation
	}
	if n.ActualRows != nil {
		loops := max(n.Loops, 1)
		out.ActualRows, out.ActualMS = *n.ActualRows*loops, n.ActualTotal*loops
	}
	var detail []string
	if n.JoinType != "" {
		detail = append(detail, n.JoinType+" join")
	}
	for _, c := range []struct{ name, v string }{{"index cond", n.IndexCond}, {"hash cond", n.HashCond}, {"merge cond", n.MergeCond}, {"join filter", n.JoinFilter}, {"filter", n.Filter}} {
		if c.v != "" {
			detail = append(detail, c.name+": "+c.v)
		}
	}
	if len(n.SortKey) > 0 {
		detail = append(detail, "sort key: "+strings.Join(n.SortKey, ", "))
	}
	out.Detail = strings.Join(detail, "; ")
	if n.NodeType == "Seq Scan" && n.Relation != "" {
		out.FullScan = true
		var aliases []string
		if n.Alias != "" {
			aliases = []string{n.Alias}
		}
		// A scan's filter names its own table's columns.
		out.Columns = columnsOf(columnRefs(n.Filter), n.Relation, aliases, true)
		for _, k := range sortedBy {
			for _, c := range columnsOf(columnRefs(k), n.Relation, aliases, true) {
				if !slices.Contains(out.Columns, c) {
					out.Columns = append(out.Columns, c)
				}
			}
		}
	}
	var pass []string
	switch n.NodeType {
	case "Sort", "Incremental Sort":
		pass = n.SortKey
	case "Gather", "Gather Merge", "Limit", "Materialize", "Result", "Unique":
		pass = sortedBy
	}
	for i := range n.Plans {
		out.Children = append(out.Children, pgPlanNode(&n.Plans[i], pass))
	}
	return out
}

// MySQL and MariaDB

func explainMySQL(ctx context.Context, tx *sql.Tx, stmt string, args []any) (*panels.Plan, error) {
	var out string
	if err := tx.QueryRowContext(ctx, "EXPLAIN FORMAT=JSON "+stmt, args...).Scan(&out); err != nil {
		return nil, err
	}
	return parseMySQL([]byte(out), stmt)
}

// parseMySQL reads EXPLAIN FORMAT=JSON, MySQL's or MariaDB's (which
// differ in their names for the same things): every object with a
// "table_name" is a table's access, under the query blocks, sorts and
// groupings that hold it.
func parseMySQL(b []byte, stmt string) (*panels.Plan, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	st := readStatement(stmt)
	return &panels.Plan{Nodes: mysqlNodes(v, st, false)}, nil
}

// num is a number MySQL gives as a number or as a string ("1.25").
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func mysqlNodes(v any, st *statement, sorted bool) []panels.PlanNode {
	var out []panels.PlanNode
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, mysqlNodes(e, st, sorted)...)
		}
	case map[string]any:
		if _, ok := x["table_name"].(string); ok {
			return []panels.PlanNode{mysqlTable(x, st, sorted)}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			child, ok := x[k].(map[string]any)
			if !ok {
				if arr, isArr := x[k].([]any); isArr {
					out = append(out, mysqlNodes(arr, st, sorted)...)
				}
				continue
			}
			switch k {
			case "query_block":
				n := panels.PlanNode{Op: "query block"}
				if ci, ok := child["cost_info"].(map[string]any); ok {
					n.Cost = num(ci["query_cost"])
				} else {
					n.Cost = num(child["cost"])
				}
				n.Children = mysqlNodes(child, st, sorted)
				out = append(out, n)
			case "ordering_operation", "filesort", "read_sorted_file":
				filesort := k != "ordering_operation" || child["using_filesort"] == true
				if !filesort {
					out = append(out, mysqlNodes(child, st, sorted)...)
					continue
				}
				n := panels.PlanNode{Op: "sort"}
				if sk, ok := child["sort_key"].(string); ok {
					n.Detail = "sort key: " + sk
				}
				n.Children = mysqlNodes(child, st, true)
				out = append(out, n)
			case "grouping_operation":
				out = append(out, panels.PlanNode{Op: "group", Children: mysqlNodes(child, st, sorted)})
			default:
				out = append(out, mysqlNodes(child, st, sorted)...)
			}
		}
	}
	return out
}

func mysqlTable(x map[string]any, st *statement, sorted bool) panels.PlanNode {
	name, _ := x["table_name"].(string) // MySQL names a table by its alias
	access, _ := x["access_type"].(string)
	n := panels.PlanNode{Op: access, Table: st.table(name)}
	n.Index, _ = x["key"].(string)
	if r, ok := x["rows_examined_per_scan"]; ok { // MySQL
		n.TableRows = num(r)
		n.Rows = num(x["rows_produced_per_join"])
	} else { // MariaDB
		n.TableRows = num(x["rows"])
		n.Rows = n.TableRows
		if f, ok := x["filtered"]; ok {
			n.Rows = n.TableRows * num(f) / 100
		}
	}
	if ci, ok := x["cost_info"].(map[string]any); ok {
		n.Cost = num(ci["prefix_cost"])
	} else {
		n.Cost = num(x["cost"])
	}
	cond, _ := x["attached_condition"].(string)
	n.Detail = cond
	if access == "ALL" {
		n.FullScan = true
		aliases := append(slices.Clone(st.tables[strings.ToLower(n.Table)]), name)
		n.Columns = columnsOf(columnRefs(cond), n.Table, aliases, len(st.tables) <= 1)
		if len(n.Columns) == 0 {
			n.Columns = st.columns(n.Table, false)
		}
		if sorted {
			for _, c := range st.sortColumns(n.Table) {
				if !slices.Contains(n.Columns, c) {
					n.Columns = append(n.Columns, c)
				}
			}
		}
	}
	for _, k := range []string{"materialized_from_subquery", "attached_subqueries"} {
		if c, ok := x[k]; ok {
			n.Children = append(n.Children, mysqlNodes(c, st, false)...)
		}
	}
	return n
}

// SQLite

func explainSQLite(ctx context.Context, tx *sql.Tx, stmt string, args []any) (*panels.Plan, error) {
	rows, err := tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []sqliteLine
	for rows.Next() {
		var l sqliteLine
		var notused any
		if err := rows.Scan(&l.id, &l.parent, &notused, &l.detail); err != nil {
			return nil, err
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	p := parseSQLite(lines, stmt)
	// SQLite's plan gives no sizes: a rowid table's largest rowid is a
	// cheap one (a seek, not a count).
	p.Walk(func(n *panels.PlanNode, _ int) {
		if !n.FullScan || n.Table == "" || ctx.Err() != nil {
			return
		}
		var rows sql.NullFloat64
		if tx.QueryRowContext(ctx, "SELECT max(rowid) FROM "+quoteName(n.Table, '"')).Scan(&rows) == nil {
			n.TableRows = rows.Float64
		}
	})
	return p, nil
}

type sqliteLine struct {
	id, parent int64
	detail     string
}

// parseSQLite reads EXPLAIN QUERY PLAN's lines ("SCAN pets", "SEARCH pets
// USING INDEX pets_owner (owner_id=?)", "USE TEMP B-TREE FOR ORDER BY")
// into a tree by their parents. The columns a scan filters and sorts on
// are the statement's, since the plan does not say.
func parseSQLite(lines []sqliteLine, stmt string) *panels.Plan {
	st := readStatement(stmt)
	sorted := false
	for _, l := range lines {
		if strings.Contains(l.detail, "B-TREE FOR ORDER BY") || strings.Contains(l.detail, "B-TREE FOR LAST") {
			sorted = true
		}
	}
	nodes := make(map[int64]*panels.PlanNode, len(lines))
	children := map[int64][]int64{}
	var roots []int64
	for _, l := range lines {
		n := sqliteNode(l.detail, st, sorted)
		nodes[l.id] = &n
		if _, ok := nodes[l.parent]; ok && l.parent != l.id {
			children[l.parent] = append(children[l.parent], l.id)
		} else {
			roots = append(roots, l.id)
		}
	}
	var build func(id int64) panels.PlanNode
	build = func(id int64) panels.PlanNode {
		n := *nodes[id]
		for _, c := range children[id] {
			n.Children = append(n.Children, build(c))
		}
		return n
	}
	p := &panels.Plan{}
	for _, id := range roots {
		p.Nodes = append(p.Nodes, build(id))
	}
	return p
}

func sqliteNode(detail string, st *statement, sorted bool) panels.PlanNode {
	f := strings.Fields(detail)
	if len(f) < 2 || f[0] != "SCAN" && f[0] != "SEARCH" {
		return panels.PlanNode{Op: detail}
	}
	n := panels.PlanNode{Op: f[0], Detail: detail}
	i := 1
	if f[i] == "TABLE" && len(f) > 2 { // SQLite before 3.36
		i++
	}
	name := f[i]
	if strings.HasPrefix(name, "(") || name == "CONSTANT" || name == "SUBQUERY" {
		return n
	}
	n.Table = st.table(name)
	if i == len(f)-1 { // "SCAN pets" says no more than Op and Table
		n.Detail = ""
	}
	for j := i + 1; j < len(f)-1; j++ {
		if f[j] == "INDEX" {
			n.Index = f[j+1]
		}
		if f[j] == "INTEGER" && f[j+1] == "PRIMARY" {
			n.Index = "INTEGER PRIMARY KEY"
		}
	}
	if f[0] == "SCAN" && !strings.Contains(detail, " USING ") && !strings.Contains(detail, "VIRTUAL TABLE") {
		n.FullScan = true
		n.Columns = st.columns(n.Table, sorted)
	}
	return n
}
