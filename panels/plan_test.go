package panels_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestAFullScanInAPlanIsAMissingIndex(t *testing.T) {
	scan := func(rows float64, cols ...string) *panels.Plan {
		return &panels.Plan{Dialect: "postgres", Nodes: []panels.PlanNode{{Op: "Sort", Children: []panels.PlanNode{
			{Op: "Seq Scan", Table: "pets", FullScan: true, TableRows: rows, Columns: cols},
		}}}}
	}
	tests := []struct {
		name      string
		plan      *panels.Plan
		wantFix   string // "" for no alert
		wantWords string
	}{
		{"a scan of 5000 rows filtering on owner_id wants an index on it", scan(5000, "owner_id"), "CREATE INDEX ON pets (owner_id)", "owner_id"},
		{"two columns make one index", scan(5000, "owner_id", "name"), "CREATE INDEX ON pets (owner_id, name)", "owner_id, name"},
		{"a small table is scanned, not indexed", scan(20, "owner_id"), "", ""},
		{"a scan that filters on nothing has no index to want", scan(5000), "", ""},
		{"SQLite and MySQL name the index", &panels.Plan{Dialect: "sqlite", Nodes: []panels.PlanNode{{Op: "SCAN", Table: "pets", FullScan: true, TableRows: 900, Columns: []string{"owner_id"}}}}, "CREATE INDEX pets_owner_id ON pets (owner_id)", "owner_id"},
		{"an index scan is fine", &panels.Plan{Dialect: "mysql", Nodes: []panels.PlanNode{{Op: "ref", Table: "pets", Index: "pets_owner_id", TableRows: 5000, Columns: []string{"owner_id"}}}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &panels.Record{ID: "r", Queries: []panels.Query{
				{Kind: sqltrace.KindQuery, SQL: "SELECT 1", Stack: -1},
				{Kind: sqltrace.KindQuery, SQL: "SELECT * FROM pets WHERE owner_id = ?", Stack: -1},
			}}
			rec.Finish(panels.Thresholds{})
			before := rec.Summary().Alerts
			rec.SetPlan(1, tt.plan)
			alerts := rec.PlanAlerts()
			if tt.wantFix == "" {
				if len(alerts) != 0 {
					t.Fatalf("alerts %+v, want none", alerts)
				}
				return
			}
			if len(alerts) != 1 {
				t.Fatalf("%d alerts (%+v), want one", len(alerts), alerts)
			}
			a := alerts[0]
			if a.Kind != panels.AlertMissingIndex || !strings.HasPrefix(a.Fix, tt.wantFix) || !strings.Contains(a.Message, tt.wantWords) || len(a.Queries) != 1 || a.Queries[0] != 1 {
				t.Errorf("alert %+v, want missing_index on query 1 with fix %q naming %q", a, tt.wantFix, tt.wantWords)
			}
			if got := rec.Summary(); got.Alerts != before+1 || got.Level < panels.Warning {
				t.Errorf("summary counts %d alerts at %v, want %d at warning", got.Alerts, got.Level, before+1)
			}
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			var back panels.Record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if p := back.Plan(1); p == nil || p.Nodes[0].Op != tt.plan.Nodes[0].Op {
				t.Errorf("the plan did not round-trip: %+v", p)
			}
			if got := back.PlanAlerts(); len(got) != 1 || got[0].Fix != a.Fix {
				t.Errorf("after JSON the plan alerts are %+v, want %+v", got, alerts)
			}
		})
	}
}

func TestPlansArriveWhileTheRecordIsRead(t *testing.T) {
	rec := &panels.Record{ID: "r"}
	for range 8 {
		rec.Queries = append(rec.Queries, panels.Query{Kind: sqltrace.KindQuery, SQL: "SELECT * FROM pets WHERE owner_id = ?", Stack: -1})
	}
	rec.Finish(panels.Thresholds{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range rec.Queries {
			rec.SetPlan(int32(i), &panels.Plan{Dialect: "sqlite", Nodes: []panels.PlanNode{{Op: "SCAN", Table: "pets", FullScan: true, TableRows: 1000, Columns: []string{"owner_id"}}}})
		}
	}()
	for range 200 {
		rec.Summary()
		if _, err := json.Marshal(rec); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if got := len(rec.PlanAlerts()); got != len(rec.Queries) {
		t.Errorf("%d plan alerts, want one per query (%d)", got, len(rec.Queries))
	}
}
