package panels

import (
	"github.com/a-h/templ"
)

// CachePanel shows the request's cache operations: totals, the hit ratio of
// its lookups, and each operation with its key, outcome and caller.
type CachePanel struct{}

// ID implements Panel.
func (CachePanel) ID() string { return "cache" }

// Title implements Panel.
func (CachePanel) Title() string { return "Cache" }

// Summary implements Panel: "12 calls, 75% hits, 1.20 ms".
func (CachePanel) Summary(r *Record) string {
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

// Level implements Panel: Warning when a cache operation failed.
func (CachePanel) Level(r *Record) Severity {
	if r.Stats.CacheErrors > 0 {
		return Warning
	}
	return Info
}

// Content implements Panel.
func (CachePanel) Content(r *Record) templ.Component { return cacheContent(r, &r.Stats) }

// hitRatio is the share of lookups that hit, "—" when there were none.
func hitRatio(st *Stats) string {
	if st.CacheReads == 0 {
		return "—"
	}
	return percent(float64(st.CacheHits), float64(st.CacheReads))
}
