package panels

import (
	"time"

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
	st := newCacheStats(r)
	if st.Ops == 0 {
		return "No calls"
	}
	s := plural(st.Ops, "call", "calls")
	if st.Reads > 0 {
		s += ", " + st.Ratio() + " hits"
	}
	s += ", " + formatDuration(st.Time)
	if st.Errors > 0 {
		s += ", " + plural(st.Errors, "error", "errors")
	}
	return s
}

// Level implements Panel: Warning when a cache operation failed.
func (CachePanel) Level(r *Record) Severity {
	for i := range r.Cache {
		if r.Cache[i].Err != nil {
			return Warning
		}
	}
	return Info
}

// Content implements Panel.
func (CachePanel) Content(r *Record) templ.Component { return cacheContent(r, newCacheStats(r)) }

// cacheStats are the Cache panel's totals.
type cacheStats struct {
	Ops, Reads, Hits, Misses, Errors int
	Time                             time.Duration
}

func newCacheStats(r *Record) cacheStats {
	var st cacheStats
	for i := range r.Cache {
		e := &r.Cache[i]
		st.Ops++
		st.Time += e.Duration
		if e.Read {
			st.Reads++
			if e.Hit {
				st.Hits++
			} else {
				st.Misses++
			}
		}
		if e.Err != nil {
			st.Errors++
		}
	}
	return st
}

// Ratio is the share of lookups that hit, "—" when there were none.
func (st cacheStats) Ratio() string {
	if st.Reads == 0 {
		return "—"
	}
	return percent(float64(st.Hits), float64(st.Reads))
}
