package panels

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// poolFix is how to stop waiting for connections, whatever the pool.
const poolFix = "Hold connections for less time: end transactions promptly (defer tx.Rollback() right after BeginTx, no slow work or outgoing calls inside) and close rows (defer rows.Close() right after the error check); " +
	"or allow more connections (db.SetMaxOpenConns, pgxpool's MaxConns) within what the server allows, or put PgBouncer in front of PostgreSQL."

// poolAlerts raise pool_wait: the request waited for a database
// connection.
//
// With pgxpool the waits are exact: pgxtrace records each acquire of this
// request's that took a millisecond or more as an acquire operation, with
// its caller. With database/sql they are not: database/sql waits for a
// connection before it calls the driver and counts its waits for the whole
// pool (DBStats.WaitCount, WaitDuration), so the toolbar takes the pool's
// figures at the request's start and end (PoolStats) and the alert says
// the pool waited while the request ran. When other requests ran at the
// same time the waits may be theirs, and the message says so; a request
// that ran no database operation is not blamed for them. Its sites
// are then where this request held connections: its transactions, the
// longest held first, and rows it never closed, since that is what makes
// others wait.
func (r *Record) poolAlerts(t Thresholds) []Alert {
	var alerts []Alert
	var acquires []int32
	var waited time.Duration
	sites := siteSet{r: r}
	for i := range r.Queries {
		if q := &r.Queries[i]; q.Kind == sqltrace.KindAcquire {
			acquires = append(acquires, int32(i))
			waited += q.Duration
			sites.add(q.Stack)
		}
	}
	if len(acquires) > 0 {
		alerts = append(alerts, Alert{Kind: AlertPoolWait, Severity: poolSeverity(waited, t), Queries: acquires, Sites: sites.sites,
			Message: fmt.Sprintf("Waited %s for a database connection: %s from the pool took 1ms or more (the pool was busy, or dialled a new connection), at %s", shortDur(waited), plural(len(acquires), "acquire", "acquires"), sites.where()),
			Fix:     poolFix + " When it was dialling (the first requests after a start), pgxpool's MinConns keeps connections ready."})
	}
	if len(r.Queries) == 0 && r.QueriesDropped == 0 {
		return alerts // it used no database: the waits were others'
	}
	var holders []int32
	holderSites := siteSet{r: r}
	for _, p := range r.Pools {
		if p.WaitCount <= 0 && p.WaitDuration <= 0 {
			continue
		}
		if holders == nil {
			holders = r.connHolders()
			for _, i := range holders {
				holderSites.add(r.Queries[i].Stack)
			}
		}
		limit := "no limit"
		if p.MaxOpen > 0 {
			limit = fmt.Sprintf("max %d open", p.MaxOpen)
		}
		msg := fmt.Sprintf("Waited for a database connection: %s's pool (%s) made %s, %s, while this request ran", p.Name, limit, plural(int(p.WaitCount), "wait", "waits"), shortDur(p.WaitDuration))
		if p.Overlapped {
			msg += " (other requests ran meanwhile: some waits may be theirs)"
		}
		if len(holderSites.sites) > 0 {
			msg += "; it held connections at " + holderSites.where()
		}
		alerts = append(alerts, Alert{Kind: AlertPoolWait, Severity: poolSeverity(p.WaitDuration, t), Queries: holders, Sites: holderSites.sites,
			Message: msg, Fix: poolFix})
	}
	return alerts
}

// poolSeverity is a wait's: danger from the slow query threshold on.
func poolSeverity(waited time.Duration, t Thresholds) Severity {
	if waited >= t.SlowQuery {
		return Danger
	}
	return Warning
}

// connHolders are the operations by which the request held a connection
// for a while: the begin of each of its transactions, the longest held
// first (to its commit or rollback, or to the request's end when it stayed
// open), then the queries whose rows were never closed.
func (r *Record) connHolders() []int32 {
	type held struct {
		begin int32
		d     time.Duration
	}
	var txs []held
	for _, tx := range r.transactions() {
		txs = append(txs, held{tx.begin, tx.end - r.Queries[tx.begin].Start})
	}
	slices.SortStableFunc(txs, func(a, b held) int { return cmp.Compare(b.d, a.d) })
	out := make([]int32, 0, len(txs))
	for _, h := range txs {
		out = append(out, h.begin)
	}
	for i := range r.Queries {
		if r.Queries[i].Unclosed {
			out = append(out, int32(i))
		}
	}
	return out
}
