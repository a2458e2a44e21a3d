// Package panels is what debugtoolbar knows about one request: the
// [Record], and the [Panel] interface that shows it. Import it to write a
// panel of your own, or to read records from the toolbar's JSON API or
// its history store.
//
// # The record
//
// A [Record] is everything the toolbar captured for one request: its
// [Request] (with the [RequestBody] the app read, and each [Cookie]) and
// [Response], its database operations ([Query], with each [Arg] as the
// database got it), its cache operations ([CacheEvent]), the spans of its
// own time ([Span]), and the call stack each was made from ([Stack],
// [Frame]). Secrets are redacted before they get there.
//
// When the request ends the toolbar finishes the record once
// ([Record.Finish]): it groups the statements that differ only in their
// values into a [Shape] and those run twice with the same arguments into
// duplicates, totals everything in [Stats], and raises an [Alert] for each
// problem it finds (an N+1, duplicates, slow and failed queries, and the
// other kinds of [AlertKind]), as toolbar.Config.Thresholds ([Thresholds])
// tune it. After that
// the record is only read, so every view (the toolbar's handle, the
// panels, the history's [Summary], the JSON API, Server-Timing) shows the
// same numbers.
//
// A record round-trips through JSON ([Record.MarshalJSON]). That encoding,
// at version [RecordVersion], is what the JSON API serves at the toolbar's
// Prefix + "api/v1/requests/{id}" and what a file or Redis store keeps;
// json.Unmarshal decodes it back into a Record.
//
// # A panel of your own
//
// A [Panel] is one tab of the toolbar, given in toolbar.Config.Panels
// after the built-in ones (toolbar.DefaultPanels). What it shows, the
// request records with toolbar.RecordData; the panel reads it back from
// the record with [DataOf], so it works on any request of the history,
// after a restart too:
//
//	toolbar.RecordData(r.Context(), "flags", Flag{Name: "new-checkout", On: on}) // in a handler, for each flag it evaluates
//
//	type flagsPanel struct{}
//
//	func (flagsPanel) ID() string    { return "flags" }
//	func (flagsPanel) Title() string { return "Flags" }
//	func (flagsPanel) Summary(r *panels.Record) string {
//		fs, _ := panels.DataOf[Flag](r, "flags")
//		return fmt.Sprintf("%d flags", len(fs))
//	}
//	func (flagsPanel) Level(*panels.Record) panels.Severity     { return panels.Info }
//	func (flagsPanel) Content(r *panels.Record) templ.Component { return flagsTable(r) } // in flags.templ
//
//	tb, err := toolbar.New(toolbar.Config{Panels: append(toolbar.DefaultPanels(), flagsPanel{})})
//
// [Panel] says what a panel may rely on: a finished record that does not
// change, calls from many goroutines at once, and a strict
// Content-Security-Policy, with the classes of the built-in panels to
// reuse. A panel reads what Finish computed (Stats, Alerts, Shapes) rather
// than counting again, so it agrees with the rest of the toolbar.
//
// A panel's test builds the record the toolbar would give it: fill in its
// fields (sqltrace events become queries with [NewQuery], their stacks
// with [StackOf] or [NewStack]) and call Finish.
package panels
