package render

import (
	"context"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"golang.org/x/net/html"
)

func TestSQLPanel(t *testing.T) {
	rec := recordtest.Realistic()
	rec.QueriesDropped, rec.StatementsDropped = 3, 3
	rec.Alerts = recordtest.Analyze(rec, panels.Thresholds{})
	doc := renderHTML(t, sqlPanel{}.Content(rec))
	rows := byTestID(doc, "query")
	if len(rows) != len(rec.Queries) {
		t.Fatalf("%d query rows, want %d", len(rows), len(rec.Queries))
	}
	inRow := func(i int, id string) []*html.Node { return byTestID(rows[i], id) }

	t.Run("the header counts queries (the dropped ones too), reads, writes, transactions, duplicates and similar ones", func(t *testing.T) {
		for id, want := range map[string]string{
			"sql-queries": "16", "sql-reads": "10", "sql-writes": "3", "sql-transactions": "1", "sql-time": "129 ms",
			"sql-duplicates": "2", "sql-similar": "8", "sql-errors": "1",
		} {
			if got := text(byTag(one(t, doc, id), "dd")[0]); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
	})
	t.Run("the SQL alerts are listed above the queries", func(t *testing.T) {
		alerts := byTestID(one(t, doc, "sql-alerts"), "alert")
		kinds := map[string]bool{}
		for _, a := range alerts {
			kinds[attr(a, "data-kind")] = true
		}
		for _, k := range []panels.AlertKind{panels.AlertNPlusOne, panels.AlertDuplicate, panels.AlertSlowQuery, panels.AlertQueryErrors, panels.AlertQueriesCapped} {
			if !kinds[string(k)] {
				t.Errorf("no %s alert in %v", k, kinds)
			}
		}
	})
	t.Run("dropped queries are counted", func(t *testing.T) {
		if got := squash(one(t, doc, "queries-dropped")); !strings.HasPrefix(got, "3 more operations were not kept") {
			t.Errorf("dropped = %q", got)
		}
	})
	t.Run("rows are numbered from 1 with a kind badge", func(t *testing.T) {
		for i, row := range rows {
			if got, want := text(inRow(i, "query-index")[0]), "#"+itoa(i+1); got != want {
				t.Errorf("row %d index = %q, want %q", i, got, want)
			}
			if got, want := text(inRow(i, "query-kind")[0]), rec.Queries[i].Kind.String(); got != want {
				t.Errorf("row %d kind = %q, want %q", i, got, want)
			}
			if attr(row, "id") != "debugtoolbar-query-"+itoa(i+1) {
				t.Errorf("row %d id = %q", i, attr(row, "id"))
			}
		}
	})
	t.Run("the N+1 rows share a similar group and its colour", func(t *testing.T) {
		group, class := attr(rows[1], "data-similar-group"), ""
		for _, c := range strings.Fields(attr(rows[1], "class")) {
			if strings.HasPrefix(c, "dt-group-") {
				class = c
			}
		}
		if group == "" || class == "" {
			t.Fatalf("row 1 has no similar group: %q", attr(rows[1], "class"))
		}
		for i := 1; i <= 6; i++ {
			if attr(rows[i], "data-similar-group") != group || !hasClass(rows[i], class) {
				t.Errorf("row %d group = %q class %q, want %q %q", i, attr(rows[i], "data-similar-group"), attr(rows[i], "class"), group, class)
			}
			if got := text(inRow(i, "query-similar")[0]); got != "similar ×6" {
				t.Errorf("row %d similar badge = %q", i, got)
			}
			if len(inRow(i, "query-nplusone")) != 1 {
				t.Errorf("row %d has no N+1 badge", i)
			}
			if len(inRow(i, "query-duplicate")) != 0 {
				t.Errorf("row %d has a duplicate badge but its arguments differ", i)
			}
		}
		if attr(rows[7], "data-similar-group") == group {
			t.Errorf("the settings query is in the authors' group")
		}
	})
	t.Run("the duplicates share a duplicate group", func(t *testing.T) {
		for _, i := range []int{7, 8} {
			if got := text(inRow(i, "query-duplicate")[0]); got != "duplicate ×2" {
				t.Errorf("row %d duplicate badge = %q", i, got)
			}
		}
		if g := attr(rows[7], "data-duplicate-group"); g == "" || g != attr(rows[8], "data-duplicate-group") {
			t.Errorf("duplicate groups %q and %q", g, attr(rows[8], "data-duplicate-group"))
		}
		if hasAttr(rows[0], "data-duplicate-group") || hasAttr(rows[0], "data-similar-group") {
			t.Errorf("a lone query carries a group")
		}
	})
	t.Run("a transaction's operations share a tx badge and begin and commit are small rows", func(t *testing.T) {
		for i := 9; i <= 12; i++ {
			if attr(rows[i], "data-tx") != "1" || text(inRow(i, "query-tx")[0]) != "tx 1" {
				t.Errorf("row %d tx = %q", i, attr(rows[i], "data-tx"))
			}
		}
		for _, i := range []int{9, 12} {
			if !hasClass(rows[i], "dt-query-control") || len(inRow(i, "query-sql")) != 0 {
				t.Errorf("row %d is not a small control row", i)
			}
		}
		if hasAttr(rows[13], "data-tx") {
			t.Errorf("a query outside the transaction carries a tx")
		}
	})
	t.Run("the SQL is formatted and highlighted", func(t *testing.T) {
		sql := inRow(0, "query-sql")[0]
		if got := text(sql); got != "SELECT id, title, author_id, created_at\nFROM posts\nWHERE published = true\nORDER BY created_at DESC\nLIMIT ? OFFSET ?" {
			t.Errorf("SQL text = %q", got)
		}
		kws := findAll(sql, func(n *html.Node) bool { return hasClass(n, "dt-sql-kw") })
		if len(kws) < 5 || text(kws[0]) != "SELECT" {
			t.Errorf("%d keywords highlighted", len(kws))
		}
		if len(findAll(sql, func(n *html.Node) bool { return hasClass(n, "dt-sql-ph") })) != 2 {
			t.Errorf("placeholders not highlighted")
		}
	})
	t.Run("arguments, rows, errors and durations are shown", func(t *testing.T) {
		var args []string
		for _, a := range inRow(10, "query-arg") {
			args = append(args, text(a))
		}
		if got := strings.Join(args, " "); got != "7 2025-03-14T15:09:26Z" {
			t.Errorf("args = %q", got)
		}
		if got := text(inRow(0, "query-rows")[0]); got != "20 rows" {
			t.Errorf("rows = %q", got)
		}
		if got := text(inRow(10, "query-rows")[0]); got != "1 affected" {
			t.Errorf("affected = %q", got)
		}
		if got := text(inRow(14, "query-error")[0]); !strings.Contains(got, "NOT NULL constraint failed") || !hasClass(rows[14], "dt-query-error") {
			t.Errorf("error = %q", got)
		}
		if got := text(inRow(13, "query-duration")[0]); got != "120 ms" || !hasClass(rows[13], "dt-query-slow") {
			t.Errorf("slow duration = %q, class %q", got, attr(rows[13], "class"))
		}
		meter := byTag(rows[13], "meter")
		if len(meter) != 1 || attr(meter[0], "value") != attr(meter[0], "max") {
			t.Errorf("the slowest query's meter is not full: %v", meter)
		}
	})
	t.Run("a hand-made event has an unknown caller and no stack", func(t *testing.T) {
		if got := squash(inRow(0, "query-caller")[0]); got != "unknown" {
			t.Errorf("caller = %q", got)
		}
		if len(inRow(0, "query-stack")) != 0 {
			t.Errorf("a stack is shown for an event without one")
		}
	})
}

func TestSQLPanelShowsTheCallerOfARecordedQuery(t *testing.T) {
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	ctx, got := sqltrace.Capture(context.Background())
	rows, err := db.QueryContext(ctx, "SELECT n FROM t WHERE id = ?", 1) // the caller
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	events := got.Events()
	rec := &panels.Record{}
	recordtest.WithStacks(rec, events...)
	rec.Finish(panels.Thresholds{})
	want := events[0].Caller()
	doc := renderHTML(t, sqlPanel{}.Content(rec))
	caller := one(t, doc, "query-caller")
	if got := squash(caller); !strings.HasPrefix(got, "sql_panel_test.go:"+itoa(want.Line)+" ") ||
		!strings.HasSuffix(got, "render.TestSQLPanelShowsTheCallerOfARecordedQuery") {
		t.Errorf("caller = %q", got)
	}
	if title := attr(caller, "title"); !strings.HasSuffix(title, "/toolbar/internal/render/sql_panel_test.go:"+itoa(want.Line)) {
		t.Errorf("caller title = %q", title)
	}
	stack := one(t, doc, "query-stack")
	if stack.Data != "details" || hasAttr(stack, "open") || len(byTag(stack, "li")) == 0 {
		t.Errorf("stack is not a closed details element with frames")
	}
}

func TestSQLPanelWithoutQueries(t *testing.T) {
	doc := renderHTML(t, sqlPanel{}.Content(&panels.Record{}))
	if got := text(one(t, doc, "none")); got != "No queries." {
		t.Errorf("empty state = %q", got)
	}
	if n := len(byTestID(doc, "sql-errors")) + len(byTestID(doc, "sql-alerts")) + len(byTestID(doc, "queries-dropped")); n != 0 {
		t.Errorf("%d error, alert or dropped elements for an empty record", n)
	}
}

func TestSQLPanelGroupsOnlyQueriesAndExecs(t *testing.T) {
	rec := &panels.Record{Queries: recordtest.QueriesOf(recordtest.T0,
		recordtest.Event(sqltrace.KindBegin, 0, 0, 1, ""), recordtest.Event(sqltrace.KindCommit, 0, 0, 1, ""),
		recordtest.Event(sqltrace.KindBegin, 0, 0, 2, ""), recordtest.Event(sqltrace.KindRollback, 0, 0, 2, ""),
	)}
	rec.Queries[3].Err = "tx done"
	rec.Finish(panels.Thresholds{})
	doc := renderHTML(t, sqlPanel{}.Content(rec))
	for i, row := range byTestID(doc, "query") {
		if hasAttr(row, "data-similar-group") || hasAttr(row, "data-duplicate-group") {
			t.Errorf("control row %d is grouped", i)
		}
	}
	if got := attr(byTestID(doc, "query")[2], "data-tx"); got != "2" {
		t.Errorf("second transaction is numbered %q, want 2", got)
	}
	if len(byTestID(doc, "query-error")) != 1 {
		t.Errorf("a failed rollback shows no error")
	}
}

func TestSQLPanelMarksQueriesWithoutContextAndUnclosedRows(t *testing.T) {
	doc := renderHTML(t, sqlPanel{}.Content(recordtest.Stray()))
	if n := len(byTestID(doc, "query-no-context")); n != 1 {
		t.Errorf("%d no-context badges in the SQL panel, want 1", n)
	}
	if n := len(byTestID(doc, "query-unclosed")); n != 1 {
		t.Errorf("%d unclosed badges in the SQL panel, want 1", n)
	}
	t.Run("but not on the entry for work outside any request", func(t *testing.T) {
		if n := len(byTestID(renderHTML(t, sqlPanel{}.Content(recordtest.Outside())), "query-no-context")); n != 0 {
			t.Errorf("%d no-context badges on the outside entry, want 0", n)
		}
	})
}
