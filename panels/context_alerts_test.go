package panels_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestQueriesWithoutContextUnclosedAndUnattributedAreReported(t *testing.T) {
	noCtx := q("SELECT title FROM feeds", time.Millisecond)
	noCtx.NoContext = true
	unclosed := q("SELECT id FROM posts", time.Millisecond)
	unclosed.Unclosed = true
	start := time.Now()
	worker := q("UPDATE jobs SET done = true", 4*time.Millisecond)
	worker.Start = time.Millisecond
	rec := &panels.Record{
		Start: start, Duration: 10 * time.Millisecond,
		Queries:           []panels.Query{noCtx, q("SELECT 1", 0), unclosed},
		Unattributed:      []panels.Query{worker},
		UnattributedCount: 3,
		UnattributedTime:  4 * time.Millisecond,
	}
	rec.Alerts = analyze(rec, panels.Thresholds{})
	got := kindsOf(rec.Alerts)
	for _, k := range []panels.AlertKind{panels.AlertNoContext, panels.AlertUnclosedRows, panels.AlertUnattributed} {
		if got[k] != 1 {
			t.Errorf("alerts %v: want one %s", got, k)
		}
	}
	for _, a := range rec.Alerts {
		switch a.Kind {
		case panels.AlertNoContext:
			if len(a.Queries) != 1 || a.Queries[0] != 0 || !strings.Contains(a.Message, "r.Context()") || !strings.HasPrefix(a.Message, "1 query ran") {
				t.Errorf("no-context alert %+v: want query 0 and the fix", a)
			}
		case panels.AlertUnattributed:
			if !strings.HasPrefix(a.Message, "3 queries ran while this request ran") {
				t.Errorf("unattributed alert %q: want the count of all 3", a.Message)
			}
		case panels.AlertUnclosedRows:
			if !strings.Contains(a.Message, "defer rows.Close()") {
				t.Errorf("unclosed alert %q: want the fix", a.Message)
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

func TestTheOutsideEntryDoesNotNagAboutContextsNorGroupUnrelatedJobs(t *testing.T) {
	var jobs []panels.Query
	for i := range 6 { // the same job six times, and with other values: in a request, duplicates and an N+1
		e := q("UPDATE jobs SET done = true WHERE id = ?", time.Millisecond, int64(i%2))
		e.NoContext = true
		jobs = append(jobs, e)
	}
	rec := &panels.Record{Outside: true, Queries: jobs}
	got := kindsOf(analyze(rec, panels.Thresholds{}))
	if len(got) != 1 || got[panels.AlertOutside] != 1 {
		t.Errorf("alerts %v: want only the outside explanation", got)
	}
	if n := len(byTestID(render(t, panels.SQLPanel{}.Content(rec)), "query-no-context")); n != 0 {
		t.Errorf("%d no-context badges on the outside entry, want 0", n)
	}
}
