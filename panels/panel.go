package panels

import (
	"cmp"
	"slices"

	"github.com/a-h/templ"
)

// Panel is one tab of the toolbar: a title, a one-line summary for the side
// bar, a level that colours it, and the body shown when it is opened.
//
// A panel only reads the record; its methods may be called from many
// goroutines at once.
type Panel interface {
	// ID names the panel in URLs and element ids: lower case, url-safe
	// ("sql").
	ID() string
	// Title is the panel's name as the side bar shows it ("SQL").
	Title() string
	// Summary is one line for the side bar ("23 queries in 41 ms, 18
	// similar"); an empty summary shows nothing.
	Summary(r *Record) string
	// Level is Info normally, Warning or Danger when the record has
	// something wrong that this panel shows.
	Level(r *Record) Severity
	// Content is the panel's body, an HTML fragment.
	Content(r *Record) templ.Component
}

// Default returns the built-in panels in the order the toolbar shows them:
// Request, Response, Timer, SQL, Cache, Versions.
func Default() []Panel {
	return []Panel{RequestPanel{}, ResponsePanel{}, TimerPanel{}, SQLPanel{}, CachePanel{}, VersionsPanel{}}
}

// ByID returns the panel of ps whose ID is id.
func ByID(ps []Panel, id string) (Panel, bool) {
	for _, p := range ps {
		if p.ID() == id {
			return p, true
		}
	}
	return nil, false
}

// bySeverity returns the alerts most severe first, in the analysis's order
// within a severity, so that what is most wrong is read first.
func bySeverity(alerts []Alert) []Alert {
	desc := func(a, b Alert) int { return cmp.Compare(b.Severity, a.Severity) }
	if slices.IsSortedFunc(alerts, desc) {
		return alerts
	}
	out := slices.Clone(alerts)
	slices.SortStableFunc(out, desc)
	return out
}

// levelClass is the class that colours an element by severity. The toolbar
// chrome uses the same names.
func levelClass(s Severity) string {
	switch s {
	case Warning:
		return "dt-level-warning"
	case Danger:
		return "dt-level-danger"
	}
	return "dt-level-info"
}
