package budget

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Rule is one thing a request must respect. It returns nil when rec keeps
// to it, or an error saying what it broke; a multi-line error is shown
// indented. Write one of your own as a func literal:
//
//	noWrites := budget.Rule(func(rec *panels.Record) error {
//		if rec.Stats.Writes > 0 {
//			return fmt.Errorf("%d writes on a GET", rec.Stats.Writes)
//		}
//		return nil
//	})
type Rule func(rec *panels.Record) error

// Check reports, with t.Error, each rule rec breaks, in one message that
// names the request and ends with its queries, grouped by shape, with
// their callers. It reports whether rec kept to all of them.
func Check(t testing.TB, rec *panels.Record, rules ...Rule) bool {
	t.Helper()
	var broken []error
	for _, r := range rules {
		if err := r(rec); err != nil {
			broken = append(broken, err)
		}
	}
	if len(broken) == 0 {
		return true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "budget: %s %s:", rec.Request.Method, rec.Request.URL)
	for _, err := range broken {
		b.WriteString("\n")
		writeIndented(&b, "    ", err.Error())
	}
	b.WriteString("\n")
	writeQueries(&b, rec)
	t.Error(b.String())
	return false
}

// MaxQueries is the rule that the request runs at most n statements
// (queries and execs, those past the toolbar's per-request cap included;
// begin, commit and prepare are not counted).
func MaxQueries(n int) Rule {
	return func(rec *panels.Record) error {
		if got := rec.Stats.Statements; got > n {
			return fmt.Errorf("%d queries, want at most %d", got, n)
		}
		return nil
	}
}

// No is the rule that the request raises no alert of the given kinds
// (panels.AlertNPlusOne, panels.AlertDuplicate, ...), accepted ones
// included: a test states what the code must not do. Each alert it finds
// is named with its kind, its message and the lines where its fix
// belongs. The thresholds that raise them are the Runner's
// Config.Thresholds.
func No(kinds ...panels.AlertKind) Rule {
	if len(kinds) == 0 {
		panic("budget: No needs at least one alert kind")
	}
	return func(rec *panels.Record) error {
		var errs []error
		for i := range rec.Alerts {
			if a := &rec.Alerts[i]; slices.Contains(kinds, a.Kind) {
				errs = append(errs, errors.New(describeAlert(rec, a)))
			}
		}
		return errors.Join(errs...)
	}
}
