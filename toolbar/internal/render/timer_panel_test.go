package render

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"golang.org/x/net/html"
)

func TestTimerPanelBreaksTheTimeDown(t *testing.T) {
	parallel := &panels.Record{Start: recordtest.T0, Duration: 10 * time.Millisecond, Queries: recordtest.QueriesOf(recordtest.T0,
		recordtest.Event(sqltrace.KindQuery, 0, 8*time.Millisecond, 0, "SELECT 1"),
		recordtest.Event(sqltrace.KindQuery, 0, 8*time.Millisecond, 0, "SELECT 2"),
	)}
	parallel.Finish(panels.Thresholds{})
	for _, c := range []struct {
		name string
		rec  *panels.Record
		want map[string]string
	}{
		{"app code is the total minus SQL and cache", recordtest.Realistic(), map[string]string{
			"timer-total": "180 ms", "timer-sql": "129 ms", "timer-cache": "5.80 ms", "timer-spans": "102 ms", "timer-app": "45.5 ms"}},
		{"app code is never negative when queries ran in parallel", parallel, map[string]string{
			"timer-total": "10.0 ms", "timer-sql": "16.0 ms", "timer-app": "0.00 ms"}},
		{"an empty record is all zero", &panels.Record{}, map[string]string{
			"timer-total": "0.00 ms", "timer-sql": "0.00 ms", "timer-app": "0.00 ms"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := renderHTML(t, timerPanel{}.Content(c.rec))
			for id, want := range c.want {
				dd := byTag(one(t, doc, id), "dd")[0]
				if got := strings.TrimSpace(dd.FirstChild.Data); got != want {
					t.Errorf("%s = %q, want %q", id, got, want)
				}
			}
		})
	}
}

// number reads an SVG length attribute.
func number(t *testing.T, e *html.Node, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(attr(e, name), 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, attr(e, name), err)
	}
	return f
}

func TestTimerPanelWaterfall(t *testing.T) {
	rec := recordtest.Realistic()
	doc := renderHTML(t, timerPanel{}.Content(rec))
	items := byTestID(doc, "waterfall-item")
	if want := len(rec.Queries) + len(rec.Cache) + len(rec.Spans); len(items) != want {
		t.Fatalf("%d waterfall items, want %d", len(items), want)
	}
	t.Run("items are in start order on the request's axis", func(t *testing.T) {
		var xs []float64
		for _, it := range items {
			rect := byTag(it, "rect")[0]
			x, w := number(t, rect, "x"), number(t, rect, "width")
			if x < 0 || w < 1 || x+w > 1000.05 {
				t.Errorf("bar x=%v width=%v is off the axis", x, w)
			}
			xs = append(xs, x)
			if len(byTag(rect, "title")) != 1 || attr(it, "title") == "" {
				t.Errorf("item %q has no tooltip", squash(it))
			}
		}
		if !slices.IsSorted(xs) {
			t.Errorf("bars are not in start order: %v", xs)
		}
	})
	t.Run("the slow search spans two thirds of the request", func(t *testing.T) {
		for _, it := range items {
			if a := byTag(it, "a"); len(a) == 1 && attr(a[0], "href") == "#debugtoolbar-query-14" {
				rect := byTag(it, "rect")[0]
				if x, w := number(t, rect, "x"), number(t, rect, "width"); x != 166.7 || w != 666.7 {
					t.Errorf("x=%v width=%v, want 166.7 and 666.7", x, w)
				}
				if got := text(a[0]); !strings.HasPrefix(got, "#14 SELECT p.id, ts_rank(") {
					t.Errorf("label = %q", got)
				}
				return
			}
		}
		t.Error("the slow search is not drawn")
	})
	t.Run("each kind is drawn and failures are marked", func(t *testing.T) {
		kinds := map[string]int{}
		errs := 0
		for _, it := range items {
			kinds[attr(it, "data-kind")]++
			if hasClass(it, "dt-wf-error") {
				errs++
			}
		}
		if kinds["sql"] != 16 || kinds["cache"] != 4 || kinds["span"] != 2 || errs != 2 {
			t.Errorf("kinds = %v, %d errors", kinds, errs)
		}
	})
	t.Run("no style attribute anywhere", func(t *testing.T) {
		if n := findAll(doc, func(e *html.Node) bool { return hasAttr(e, "style") }); len(n) != 0 {
			t.Errorf("%d elements with a style attribute", len(n))
		}
	})
}

func TestTimerPanelCapsTheWaterfall(t *testing.T) {
	doc := renderHTML(t, timerPanel{}.Content(recordtest.ManyQueries(620)))
	if n := len(byTestID(doc, "waterfall-item")); n != 500 {
		t.Errorf("%d items drawn, want 500", n)
	}
	if got := squash(one(t, doc, "waterfall-more")); got != "120 more items not drawn." {
		t.Errorf("more = %q", got)
	}
}

func TestTimerPanelWithoutEvents(t *testing.T) {
	doc := renderHTML(t, timerPanel{}.Content(&panels.Record{Duration: time.Second}))
	if got := text(one(t, one(t, doc, "waterfall"), "none")); got != "No queries, cache calls or spans." {
		t.Errorf("empty state = %q", got)
	}
}

func TestTimerPanelCountsUnattributedSQLApart(t *testing.T) {
	doc := renderHTML(t, timerPanel{}.Content(recordtest.Stray()))
	if s := squash(one(t, doc, "timer-unattributed")); !strings.Contains(s, "4.00 ms") {
		t.Errorf("the Timer's unattributed SQL reads %q, want 4.00 ms", s)
	}
	// 10 ms total, 2 ms of the request's own SQL, 4 ms unattributed: the
	// app's code is the rest.
	if s := squash(one(t, doc, "timer-app")); !strings.Contains(s, "4.00 ms") {
		t.Errorf("the Timer's app code reads %q, want 4.00 ms", s)
	}
}
