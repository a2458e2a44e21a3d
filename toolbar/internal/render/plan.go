package render

import (
	"slices"
	"strconv"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/explain"
)

// planAlertsOf are the alerts found in the plan of query n.
func planAlertsOf(r *panels.Record, n int32) []panels.Alert {
	var out []panels.Alert
	for _, a := range r.PlanAlerts() {
		if slices.Contains(a.Queries, n) {
			out = append(out, a)
		}
	}
	return out
}

func dialectName(d string) string {
	switch d {
	case dbregistry.Postgres:
		return "PostgreSQL"
	case dbregistry.MySQL:
		return "MySQL/MariaDB"
	case dbregistry.SQLite:
		return "SQLite"
	}
	return d
}

func planKind(p *panels.Plan) string {
	s := "estimated"
	if p.Analyze {
		s = "ANALYZE (the query ran, rolled back)"
	}
	if p.Auto {
		s += ", taken because the query was slow"
	}
	return s + ", at " + p.Taken.Format("15:04:05")
}

// planFigures are a node's estimates and, under ANALYZE, its actuals:
// "rows ≈ 5000 · cost 95.5 · actual 4987 rows in 1.2 ms".
func planFigures(n *panels.PlanNode) string {
	var parts []string
	if n.Rows > 0 {
		parts = append(parts, "rows ≈ "+formatFloat(n.Rows))
	}
	if n.TableRows > 0 && n.TableRows != n.Rows {
		parts = append(parts, "table ≈ "+formatFloat(n.TableRows)+" rows")
	}
	if n.Cost > 0 {
		parts = append(parts, "cost "+formatFloat(n.Cost))
	}
	if n.ActualRows > 0 || n.ActualMS > 0 {
		parts = append(parts, "actual "+formatFloat(n.ActualRows)+" rows in "+formatFloat(n.ActualMS)+" ms")
	}
	return strings.Join(parts, " · ")
}

func formatFloat(f float64) string {
	if f >= 100 || f == float64(int64(f)) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// explainable reports whether the panel offers Explain for q, and Analyze
// (PostgreSQL only).
func explainable(r *panels.Record, q *panels.Query) (explain_, analyze bool) {
	if !explain.Current(r.Start) || q.Kind != sqltrace.KindQuery || q.DB == 0 || explain.Check(q.SQL, q.SQLTruncated) != nil {
		return false, false
	}
	d, ok := dbregistry.Lookup(int32(q.DB))
	if !ok || d.Dialect == dbregistry.Unknown {
		return false, false
	}
	return true, d.Dialect == dbregistry.Postgres
}
