package panels_test

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestQueriesWithoutContextUnclosedAndUnattributedAreReported(t *testing.T) {
	rec := recordtest.Stray()
	got := kindsOf(rec.Alerts)
	for _, k := range []panels.AlertKind{panels.AlertNoContext, panels.AlertUnclosedRows, panels.AlertUnattributed} {
		if got[k] != 1 {
			t.Errorf("alerts %v: want one %s", got, k)
		}
	}
	for _, a := range rec.Alerts {
		switch a.Kind {
		case panels.AlertNoContext:
			if len(a.Queries) != 1 || a.Queries[0] != 0 || !strings.Contains(a.Fix, "r.Context()") || !strings.HasPrefix(a.Message, "1 query ran") {
				t.Errorf("no-context alert %+v: want query 0 and the fix", a)
			}
		case panels.AlertUnattributed:
			if !strings.HasPrefix(a.Message, "3 queries ran while this request ran") {
				t.Errorf("unattributed alert %q: want the count of all 3", a.Message)
			}
		case panels.AlertUnclosedRows:
			if !strings.Contains(a.Fix, "defer rows.Close()") || strings.ContainsAny(a.Message, "\n") || strings.Contains(a.Message, ". ") {
				t.Errorf("unclosed alert %q, fix %q: want one line, and the fix in Fix", a.Message, a.Fix)
			}
		}
	}
}

func TestTheOutsideEntryDoesNotNagAboutContextsNorGroupUnrelatedJobs(t *testing.T) {
	got := kindsOf(recordtest.Outside().Alerts)
	if len(got) != 1 || got[panels.AlertOutside] != 1 {
		t.Errorf("alerts %v: want only the outside explanation", got)
	}
}
