package panels

import "github.com/a-h/templ"

// Panel is one tab of the toolbar: a title, a one-line summary for the side
// bar, a level that colours it, and the body shown when it is opened. The
// built-in panels (toolbar.DefaultPanels) are Panels like any other; add
// one of your own with toolbar.Config.Panels (the package documentation
// has a whole one):
//
//	toolbar.New(toolbar.Config{Panels: append(toolbar.DefaultPanels(), flagsPanel{})})
//
// A panel only reads the record it is given, which is finished: its
// counts, groups and alerts are computed (see Record.Finish) and it does
// not change. The record may have been read back from a store (a file,
// Redis) in another process, so a panel must find everything it shows in
// the record: what the request recorded for it with toolbar.RecordData is
// in Record.Data (read it with DataOf). A panel keeps no state of its own
// per request.
//
// The toolbar calls Summary and Level for every observed page, to draw its
// side bar, so they should read what the record holds (Stats, the length
// of a list) rather than compute; Content is called only when the panel is
// opened, on the request's page, or through the toolbar's own URL
// Prefix + "requests/{id}/panels/{panel id}". The methods may be called
// from many goroutines at once, on the same record. A panic in a panel is
// contained: the toolbar answers that URL with a 500 and logs the panic,
// and the app's own response is never affected.
//
// Content is an HTML fragment, shown in the toolbar's shadow root and on
// the request page, both under a Content-Security-Policy that allows no
// inline script or style: use elements and classes, not style attributes
// or script. The classes of the built-in panels are there to reuse:
// dt-panel (the panel's root), dt-facts with dt-fact (a dl of figures),
// dt-table, dt-box with dt-box-warning or dt-box-danger, dt-badge,
// dt-mono, dt-muted, and dt-level-info, dt-level-warning and
// dt-level-danger for colour by severity.
type Panel interface {
	// ID names the panel in URLs and element ids: lower-case letters,
	// digits and '-' ("sql"), unique among the toolbar's panels (New
	// checks).
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
