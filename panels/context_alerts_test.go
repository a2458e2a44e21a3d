package panels_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestQueriesWithoutContextUnclosedAndUnattributedAreReported(t *testing.T) {
	noCtx := q("SELECT title FROM feeds", time.Millisecond)
	noCtx.NoContext = true
	unclosed := q("SELECT id FROM posts", time.Millisecond)
	unclosed.Unclosed = true
	start := time.Now()
	worker := q("UPDATE jobs SET done = true", 4*time.Millisecond)
	worker.Start = start.Add(time.Millisecond)
	rec := &panels.Record{
		Start: start, Duration: 10 * time.Millisecond,
		Queries:           []sqltrace.Event{noCtx, q("SELECT 1", 0), unclosed},
		Unattributed:      []sqltrace.Event{worker},
		UnattributedCount: 3,
		UnattributedTime:  4 * time.Millisecond,
	}
	rec.Alerts = panels.Analyze(rec, panels.Thresholds{})
	got := kindsOf(rec.Alerts)
	for _, k := range []panels.AlertKind{panels.AlertNoContext, panels.AlertUnclosedRows, panels.AlertUnattributed} {
		if got[k] != 1 {
			t.Errorf("alerts %v: want one %s", got, k)
		}
	}
	for _, a := range rec.Alerts {
		switch a.Kind {
		case panels.AlertNoContext:
			if len(a.Queries) != 1 || a.Queries[0] != 0 || !strings.Contains(a.Message, "r.Context()") {
				t.Errorf("no-context alert %+v: want query 0 and the fix", a)
			}
		case panels.AlertUnattributed:
			if !strings.HasPrefix(a.Message, "3 queries ran while this request ran") {
				t.Errorf("unattributed alert %q: want the count of all 3", a.Message)
			}
		}
	}

	sql := render(t, panels.SQLPanel{}.Content(rec))
	if n := len(byTestID(sql, "query-no-context")); n != 1 {
		t.Errorf("%d no-context badges in the SQL panel, want 1", n)
	}
	if n := len(byTestID(sql, "query-unclosed")); n != 1 {
		t.Errorf("%d unclosed badges in the SQL panel, want 1", n)
	}

	timer := render(t, panels.TimerPanel{}.Content(rec))
	if s := squash(one(t, timer, "timer-unattributed")); !strings.Contains(s, "4.00 ms") {
		t.Errorf("the Timer's unattributed SQL reads %q, want 4.00 ms", s)
	}
	// 10 ms total, 2 ms of the request's own SQL, 4 ms unattributed: the
	// app's code is the rest.
	if s := squash(one(t, timer, "timer-app")); !strings.Contains(s, "4.00 ms") {
		t.Errorf("the Timer's app code reads %q, want 4.00 ms", s)
	}
}

func TestTheOutsideEntryDoesNotNagAboutContexts(t *testing.T) {
	e := q("UPDATE jobs SET done = true", time.Millisecond)
	e.NoContext = true
	rec := &panels.Record{Outside: true, Queries: []sqltrace.Event{e}}
	got := kindsOf(panels.Analyze(rec, panels.Thresholds{}))
	if got[panels.AlertNoContext] != 0 || got[panels.AlertOutside] != 1 {
		t.Errorf("alerts %v: want the outside explanation and no no-context alert", got)
	}
	if n := len(byTestID(render(t, panels.SQLPanel{}.Content(rec)), "query-no-context")); n != 0 {
		t.Errorf("%d no-context badges on the outside entry, want 0", n)
	}
}
