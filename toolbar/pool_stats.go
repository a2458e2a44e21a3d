package toolbar

import (
	"database/sql"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// poolSample is a database's pool statistics at an observed request's
// start.
type poolSample struct {
	db   *sql.DB
	id   int32
	name string
	st   sql.DBStats
}

// maxPools is how many databases a record shows the pools of.
const maxPools = 16

// samplePools appends to out the pool statistics of the databases sqltrace opened
// (one sql.DB.Stats each, a lock and a few loads). It runs only for an
// observed request, at its start and its end: a request that is not
// observed never gets here.
func samplePools(out []poolSample) []poolSample {
	dbregistry.Each(func(d dbregistry.Database) {
		if len(out) < maxPools {
			out = append(out, poolSample{db: d.DB, id: d.ID, name: d.Name, st: d.DB.Stats()})
		}
	})
	return out
}

// poolStats are the pools as a record shows them at the request's end:
// their counts then, and the waits since start. database/sql counts the
// waits of the whole pool, so when requests overlap, the waits of one are
// counted on all of them; overlapped says whether another observed
// request ran meanwhile (see panels.PoolStats). A database that had no
// connection open at either end (closed, or not used yet) is left out.
func poolStats(start []poolSample, overlapped bool) []panels.PoolStats {
	var out []panels.PoolStats
	for _, s := range start {
		end := s.db.Stats()
		if s.st.OpenConnections == 0 && end.OpenConnections == 0 && end.WaitCount == s.st.WaitCount {
			continue
		}
		out = append(out, panels.PoolStats{
			DB: s.id, Name: s.name, MaxOpen: end.MaxOpenConnections,
			Open: end.OpenConnections, InUse: end.InUse, Idle: end.Idle,
			WaitCount:    end.WaitCount - s.st.WaitCount,
			WaitDuration: end.WaitDuration - s.st.WaitDuration,
			Overlapped:   overlapped,
		})
	}
	return out
}
