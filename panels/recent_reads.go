package panels

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// RecentReads remembers, for each route, which reads its last few
// requests ran (their SQL, arguments and row count, hashed), so that a
// read that every request of a page runs again, unchanged, is found: the
// result a cache would serve (uncached_query). It is bounded (routes,
// requests per route, reads per request) and safe for concurrent use. The
// toolbar keeps one and gives it to Finish through Thresholds.Recent.
type RecentReads struct {
	mu     sync.Mutex
	seed   maphash.Seed
	routes map[string]*routeReads
	order  []string // routes, oldest first, to evict
}

// routeReads are the reads of a route's last requests, newest last.
type routeReads struct {
	reqs []recentRequest
}

type recentRequest struct {
	at    time.Time
	reads []uint64 // sorted
}

const (
	recentRoutes   = 256
	recentRequests = 2 // the requests before this one a read must have run in
	recentReads    = 64
	recentWindow   = 5 * time.Minute
)

// NewRecentReads returns an empty memory of reads.
func NewRecentReads() *RecentReads {
	return &RecentReads{seed: maphash.MakeSeed(), routes: map[string]*routeReads{}}
}

// seenAndAdd reports which of reads each of the route's last
// recentRequests requests (within recentWindow of at) also ran, then
// remembers reads as the route's newest request.
func (rr *RecentReads) seenAndAdd(route string, at time.Time, reads []uint64) []bool {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rt := rr.routes[route]
	if rt == nil {
		if len(rr.order) >= recentRoutes {
			delete(rr.routes, rr.order[0])
			rr.order = rr.order[1:]
		}
		rt = &routeReads{}
		rr.routes[route] = rt
		rr.order = append(rr.order, route)
	}
	seen := make([]bool, len(reads))
	if n := len(rt.reqs); n >= recentRequests {
		prev := rt.reqs[n-recentRequests:]
		for i, h := range reads {
			seen[i] = true
			for _, p := range prev {
				if at.Sub(p.at) > recentWindow {
					seen[i] = false
					break
				}
				if _, ok := slices.BinarySearch(p.reads, h); !ok {
					seen[i] = false
					break
				}
			}
		}
	}
	keep := slices.Clone(reads)
	slices.Sort(keep)
	rt.reqs = append(rt.reqs, recentRequest{at: at, reads: slices.Compact(keep)})
	if len(rt.reqs) > recentRequests {
		rt.reqs = slices.Delete(rt.reqs, 0, len(rt.reqs)-recentRequests)
	}
	return seen
}

// detectUncached finds the reads a page runs again on every request with
// the same arguments and the same number of rows: a list or a costly
// query (more than one row, or 2 ms or more) whose result a cache could
// serve. One-row lookups (the session's user) are left alone: they are
// cheap, and caching them is rarely the page's problem.
func detectUncached(r *Record, t *Thresholds) []Alert {
	if t.Recent == nil || r.Outside || r.Request.Method != "GET" {
		return nil
	}
	route := r.Request.Route
	if route == "" {
		route = r.Request.Path
	}
	var idx []int32
	var keys []uint64
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Kind == sqltrace.KindQuery && q.Err == "" && !q.SQLTruncated && (q.Rows > 1 || q.Duration >= 2*time.Millisecond) && len(keys) < recentReads {
			var h maphash.Hash
			h.SetSeed(t.Recent.seed)
			h.WriteString(q.SQL)
			h.WriteByte(0)
			h.WriteString(q.args)
			h.WriteByte(0)
			var rows [8]byte
			binary.LittleEndian.PutUint64(rows[:], uint64(q.Rows))
			h.Write(rows[:])
			idx, keys = append(idx, int32(i)), append(keys, h.Sum64())
		}
	}
	seen := t.Recent.seenAndAdd(route, r.Start, keys)
	var alerts []Alert
	for j, ok := range seen {
		if !ok {
			continue
		}
		i := idx[j]
		q := &r.Queries[i]
		alerts = append(alerts, r.queryAlert(i, AlertUncached, Info,
			plural(recentRequests+1, "request", "requests")+" of "+route+" in a row ran this query with the same arguments and got the same "+plural(int(q.Rows), "row", "rows")+", at "+r.where(q.Stack),
			"Cache its result for a while (an in-process cache with a TTL, or Redis), or let the browser and proxies cache the page (Cache-Control, ETag); invalidate it where the data changes."))
	}
	return alerts
}
