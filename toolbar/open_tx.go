package toolbar

import (
	"slices"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// trackTx follows the request's transactions as their begin, commit and
// rollback are recorded, kept or not, so that one still open when the
// request ends is known without a search of the record (as RowsTracker
// does for rows). A request holds few transactions at once: a slice.
// The caller holds c.mu.
func (c *collector) trackTx(e *sqltrace.Event) {
	switch e.Kind {
	case sqltrace.KindBegin:
		if e.Err == nil && e.TxID != 0 {
			c.openTx = append(c.openTx, e.TxID)
		}
	case sqltrace.KindCommit, sqltrace.KindRollback:
		if i := slices.Index(c.openTx, e.TxID); i >= 0 {
			c.openTx = slices.Delete(c.openTx, i, i+1)
		}
	}
}

// markOpenTx marks the begin of each transaction still open TxOpen, for
// the open_transaction alert. A begin the caps did not keep cannot be
// marked. The caller holds c.mu, before the record is finished.
func (c *collector) markOpenTx() {
	for _, id := range c.openTx {
		n, ok := c.b.txs.lookup(id)
		if !ok {
			continue
		}
		for i := range c.rec.Queries {
			if q := &c.rec.Queries[i]; q.Kind == sqltrace.KindBegin && q.Tx == n+1 {
				q.TxOpen = true
				break
			}
		}
	}
	c.openTx = nil
}

// lookup returns k's index when it was met, without adding it.
func (x *index[K]) lookup(k K) (int32, bool) {
	if x.m != nil {
		i, ok := x.m[k]
		return i, ok
	}
	i := slices.Index(x.keys, k)
	return int32(i), i >= 0
}
