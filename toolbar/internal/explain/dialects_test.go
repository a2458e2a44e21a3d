package explain

import (
	"reflect"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// fullScans are the full scans of a plan, as "table: columns".
func fullScans(p *panels.Plan) map[string][]string {
	out := map[string][]string{}
	p.Walk(func(n *panels.PlanNode, _ int) {
		if n.FullScan {
			out[n.Table] = n.Columns
		}
	})
	return out
}

func TestEachDialectsPlanNamesItsFullScansAndTheirColumns(t *testing.T) {
	pg := `[{"Plan": {"Node Type": "Sort", "Startup Cost": 10, "Total Cost": 120.5, "Plan Rows": 100, "Sort Key": ["p.name DESC"],
		"Plans": [{"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "pets", "Alias": "p", "Total Cost": 95.5, "Plan Rows": 100,
			"Actual Rows": 98, "Actual Total Time": 0.5, "Actual Loops": 2,
			"Filter": "((p.owner_id = $1) AND ((p.kind)::text = 'cat'::text))"}]}}]`
	p, err := parsePostgres([]byte(pg))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fullScans(p), map[string][]string{"pets": {"owner_id", "kind", "name"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL: full scans %v, want %v", got, want)
	}
	if scan := p.Nodes[0].Children[0]; scan.ActualRows != 196 || scan.ActualMS != 1 || scan.Cost != 95.5 || scan.Rows != 100 {
		t.Errorf("PostgreSQL: figures %+v, want actual 196 rows in 1 ms over two loops", scan)
	}

	mysql8 := `{"query_block": {"select_id": 1, "cost_info": {"query_cost": "507.25"},
		"ordering_operation": {"using_filesort": true, "nested_loop": [
			{"table": {"table_name": "o", "access_type": "ALL", "rows_examined_per_scan": 5000, "rows_produced_per_join": 500, "filtered": "10.00",
				"cost_info": {"read_cost": "4.25", "prefix_cost": "503.00"}, "attached_condition": "(` + "`test`.`o`.`city`" + ` = 'Oslo')"}},
			{"table": {"table_name": "p", "access_type": "ref", "key": "pets_owner_id", "rows_examined_per_scan": 2, "rows_produced_per_join": 1000,
				"cost_info": {"prefix_cost": "507.25"}}}]}}}`
	p, err = parseMySQL([]byte(mysql8), "SELECT p.name FROM owners o JOIN pets p ON p.owner_id = o.id WHERE o.city = ? ORDER BY o.last_name")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fullScans(p), map[string][]string{"owners": {"city", "last_name"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("MySQL: full scans %v, want %v", got, want)
	}

	mariadb := `{"query_block": {"select_id": 1, "read_sorted_file": {"filesort": {"sort_key": "pets.` + "`name`" + `",
		"table": {"table_name": "pets", "access_type": "ALL", "rows": 5000, "filtered": 10, "attached_condition": "pets.owner_id = 7"}}}}}`
	p, err = parseMySQL([]byte(mariadb), "SELECT * FROM pets WHERE owner_id = ? ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fullScans(p), map[string][]string{"pets": {"owner_id", "name"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("MariaDB: full scans %v, want %v", got, want)
	}
	var scan *panels.PlanNode
	p.Walk(func(n *panels.PlanNode, _ int) {
		if n.FullScan {
			scan = n
		}
	})
	if scan.TableRows != 5000 || scan.Rows != 500 {
		t.Errorf("MariaDB: rows %v of a table of %v, want 500 of 5000", scan.Rows, scan.TableRows)
	}

	sqlite := []sqliteLine{
		{2, 0, "SCAN p"},
		{5, 0, "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"},
		{9, 0, "USE TEMP B-TREE FOR ORDER BY"},
	}
	p = parseSQLite(sqlite, `SELECT p.name FROM "pets" AS p JOIN owners o ON o.id = p.owner_id WHERE p.kind = ? ORDER BY p.born`)
	if got, want := fullScans(p), map[string][]string{"pets": {"owner_id", "kind", "born"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("SQLite: full scans %v, want %v", got, want)
	}
	if len(p.Nodes) != 3 || p.Nodes[1].Index != "INTEGER PRIMARY KEY" || p.Nodes[1].FullScan {
		t.Errorf("SQLite: nodes %+v", p.Nodes)
	}
	p = parseSQLite([]sqliteLine{{3, 0, "SCAN pets USING COVERING INDEX pets_owner"}}, "SELECT owner_id FROM pets ORDER BY owner_id")
	if len(fullScans(p)) != 0 {
		t.Errorf("SQLite: a scan of a covering index is a full scan: %+v", p.Nodes)
	}
}
