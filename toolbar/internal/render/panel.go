// Package render draws the toolbar's HTML from finished records: the
// built-in panels ([Builtin]), the page of one request ([RequestPage]) and
// the history ([HistoryPage]), and what they share (the list of alerts,
// tables of names and values, durations and sizes, SQL laid out for
// reading). It only reads the records it is given.
package render

import (
	"cmp"
	"slices"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Builtin returns the built-in panels in the order the toolbar shows them:
// Request, Response, Timer, SQL, Cache, Versions.
func Builtin() []panels.Panel {
	return []panels.Panel{requestPanel{}, responsePanel{}, timerPanel{}, sqlPanel{}, cachePanel{}, versionsPanel{}}
}

// ByID returns the panel of ps whose ID is id.
func ByID(ps []panels.Panel, id string) (panels.Panel, bool) {
	for _, p := range ps {
		if p.ID() == id {
			return p, true
		}
	}
	return nil, false
}

// bySeverity returns the alerts most severe first, in the analysis's order
// within a severity, so that what is most wrong is read first.
func bySeverity(alerts []panels.Alert) []panels.Alert {
	desc := func(a, b panels.Alert) int { return cmp.Compare(b.Severity, a.Severity) }
	if slices.IsSortedFunc(alerts, desc) {
		return alerts
	}
	out := slices.Clone(alerts)
	slices.SortStableFunc(out, desc)
	return out
}

// levelClass is the class that colours an element by severity. The toolbar
// chrome uses the same names.
func levelClass(s panels.Severity) string {
	switch s {
	case panels.Warning:
		return "dt-level-warning"
	case panels.Danger:
		return "dt-level-danger"
	}
	return "dt-level-info"
}

// alertClass is an alert's class list: its severity's colour, muted when
// the developer accepted it.
func alertClass(a *panels.Alert) string {
	c := "dt-alert " + levelClass(a.Severity)
	if a.Accepted {
		c += " dt-alert-accepted"
	}
	return c
}

// kindsText lists alert kinds for a title: "n_plus_one, wide_rows".
func kindsText(kinds []panels.AlertKind) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}
