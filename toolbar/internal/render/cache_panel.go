package render

import (
	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// cachePanel shows the request's cache operations: totals, the hit ratio of
// its lookups, and each operation with its key, outcome and caller.
type cachePanel struct{}

// ID implements panels.Panel.
func (cachePanel) ID() string { return "cache" }

// Title implements panels.Panel.
func (cachePanel) Title() string { return "Cache" }

// Summary implements panels.Panel: "12 calls, 75% hits, 1.20 ms".
func (cachePanel) Summary(r *panels.Record) string {
	st := &r.Stats
	if st.CacheCalls == 0 {
		return "No calls"
	}
	s := plural(st.CacheCalls, "call", "calls")
	if st.CacheReads > 0 {
		s += ", " + hitRatio(st) + " hits"
	}
	s += ", " + formatDuration(st.CacheTime)
	if st.CacheErrors > 0 {
		s += ", " + plural(st.CacheErrors, "error", "errors")
	}
	return s
}

// Level implements panels.Panel: Warning when a cache operation failed.
func (cachePanel) Level(r *panels.Record) panels.Severity {
	if r.Stats.CacheErrors > 0 {
		return panels.Warning
	}
	return panels.Info
}

// Content implements panels.Panel.
func (cachePanel) Content(r *panels.Record) templ.Component { return cacheContent(r, &r.Stats) }

// hitRatio is the share of lookups that hit, "—" when there were none.
func hitRatio(st *panels.Stats) string {
	if st.CacheReads == 0 {
		return "—"
	}
	return percent(float64(st.CacheHits), float64(st.CacheReads))
}
