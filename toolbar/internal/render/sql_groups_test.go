package render

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// withCtx renders c with ctx's values.
func withCtx(ctx context.Context, c templ.Component) templ.Component {
	return templ.ComponentFunc(func(inner context.Context, w io.Writer) error {
		return c.Render(ctx, w)
	})
}

// recordedSQL is a finished record of sqls run through sqltrace against
// memdb, each with its real call stack.
func recordedSQL(t *testing.T, sqls []string) *panels.Record {
	t.Helper()
	db := sqltrace.OpenDB(&memdb.Connector{})
	t.Cleanup(func() { db.Close() })
	ctx, got := sqltrace.Capture(context.Background())
	for _, q := range sqls {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	rec := &panels.Record{Start: recordtest.T0}
	recordtest.WithStacks(rec, got.Events()...)
	rec.Finish(panels.Thresholds{})
	return rec
}

func TestSQLPanelGroupsSimilarStatements(t *testing.T) {
	rec := recordedQueries(t, 1000) // 8 shapes, 125 times each, interleaved
	rec.ID = "rec-1"
	doc := renderHTML(t, sqlPanel{}.Content(rec))
	groups := byTestID(doc, "query-group")
	t.Run("each shape run 10 times or more is one row with its count, total and max", func(t *testing.T) {
		if len(groups) != 8 {
			t.Fatalf("%d groups, want 8", len(groups))
		}
		if got := text(one(t, groups[0], "group-count")); got != "×125" {
			t.Errorf("count = %q", got)
		}
		if rows := byTestID(one(t, groups[0], "group-rows"), "query"); len(rows) != 125 || attr(rows[1], "id") != "debugtoolbar-query-9" {
			t.Errorf("%d rows in the first group, the second %q", len(rows), attr(rows[1], "id"))
		}
		if len(byTestID(doc, "query")) != 1000 {
			t.Errorf("not every query has its row")
		}
	})
	t.Run("a group's rows share its stack; only the group shows it", func(t *testing.T) {
		if n := len(byTestID(doc, "query-stack")); n != 8 {
			t.Errorf("%d stacks shown, want one per group", n)
		}
	})
	t.Run("the full page shows the same", func(t *testing.T) {
		page := renderHTML(t, fullPage(sqlPanel{}.Content(rec)))
		if len(byTestID(page, "query-group")) != 8 {
			t.Errorf("the full page does not group")
		}
	})
}

func TestSQLPanelFetchesLaterStacksWhenOpened(t *testing.T) {
	var sqls []string
	for i := range 40 { // 40 shapes of their own
		sqls = append(sqls, "SELECT id AS c"+itoa(i)+" FROM t")
	}
	rec := recordedSQL(t, sqls)
	rec.ID = "rec-2"
	ctx := WithOptions(context.Background(), Options{Prefix: "/dbg/"})
	doc := renderHTML(t, withCtx(ctx, sqlPanel{}.Content(rec)))
	stacks := byTestID(doc, "query-stack")
	lazy := 0
	for _, s := range stacks {
		if u := attr(s, "data-stack-url"); u != "" {
			lazy++
			if !strings.HasPrefix(u, "/dbg/requests/rec-2/stacks/") {
				t.Errorf("stack URL %q", u)
			}
		}
	}
	if len(stacks) != 40 || lazy != 40-maxInlineStacks {
		t.Errorf("%d stacks, %d fetched when opened; want 40 and %d", len(stacks), lazy, 40-maxInlineStacks)
	}
	page := renderHTML(t, withCtx(ctx, fullPage(sqlPanel{}.Content(rec))))
	for _, s := range byTestID(page, "query-stack") {
		if hasAttr(s, "data-stack-url") {
			t.Fatalf("the full page fetches a stack")
		}
	}
}

func TestSQLPanelLinksCallersToTheEditor(t *testing.T) {
	rec := recordedQueries(t, 1)
	e, err := NewEditor("zed", nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := renderHTML(t, withCtx(WithOptions(context.Background(), Options{Editor: e}), sqlPanel{}.Content(rec)))
	link := byTestID(one(t, doc, "query-caller"), "editor-link")
	if len(link) != 1 || !strings.HasPrefix(attr(link[0], "href"), "zed://file/") || !strings.Contains(attr(link[0], "href"), "bench_test.go:") {
		t.Errorf("caller links %v", link)
	}
	plain := renderHTML(t, sqlPanel{}.Content(recordtest.ManyQueries(3)))
	if len(byTestID(plain, "editor-link")) != 0 {
		t.Errorf("links without an editor")
	}
}
