package panels

import (
	"fmt"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// openTxFix is how to end every transaction.
const openTxFix = "End every transaction on every path: defer tx.Rollback() right after BeginTx (it does nothing after a Commit) and return tx.Commit()'s error. " +
	"Until it ends, the transaction holds its connection and its locks; database/sql rolls it back only when its context is cancelled, never when it was begun with context.Background()."

// txAcrossHTTPFix is how to keep an outgoing call out of a transaction.
const txAcrossHTTPFix = "Make the call before BeginTx or after Commit: inside, the transaction holds a connection and its row locks for as long as the other service takes to answer, or to time out. " +
	"If the call must follow the change, write it to an outbox table in the transaction and make it after the commit."

// txAlerts raise open_transaction, for a transaction the request began
// and neither committed nor rolled back before it ended (the toolbar marks
// its begin TxOpen), and transaction_across_http, for a transaction that
// was open during the whole of an outgoing HTTP call (a span that
// toolbar.Transport recorded, from its start to its end within the
// transaction's begin and its commit or rollback, or the request's end
// when it stayed open). Both kinds are kept apart because their fixes
// differ: ending the transaction, and moving the call out of it. The
// second is a heuristic: the call may have run on another goroutine of
// the request while the transaction waited for something else, but the
// transaction was held open either way.
func (r *Record) txAlerts() []Alert {
	txs := r.transactions()
	if len(txs) == 0 {
		return nil
	}
	var alerts []Alert
	for _, tx := range txs {
		begin := &r.Queries[tx.begin]
		if begin.TxOpen {
			sites := siteSet{r: r}
			sites.add(begin.Stack)
			alerts = append(alerts, Alert{Kind: AlertOpenTransaction, Severity: Danger, Queries: tx.ops, Sites: sites.sites,
				Message: fmt.Sprintf("Transaction never ended: begun at %s, neither committed nor rolled back when the request ended", sites.where()),
				Fix:     openTxFix})
		}
		var calls []int32
		var callTime time.Duration
		sites := siteSet{r: r}
		for i := range r.Spans {
			s := &r.Spans[i]
			if s.HTTP != nil && s.Start >= begin.Start && s.Start+s.Duration <= tx.end {
				calls = append(calls, int32(i))
				callTime += s.Duration
				sites.add(s.Stack)
			}
		}
		if len(calls) == 0 {
			continue
		}
		calledAt := sites.where()
		sites.add(begin.Stack)
		first := r.Spans[calls[0]].HTTP
		alerts = append(alerts, Alert{Kind: AlertTxAcrossHTTP, Severity: Warning, Queries: tx.ops, Spans: calls, Sites: sites.sites,
			Message: fmt.Sprintf("Transaction held open across %s (%s %s%s, %s in all) at %s; it began at %s",
				plural(len(calls), "outgoing HTTP call", "outgoing HTTP calls"), first.Method, first.Host, first.Path, shortDur(callTime), calledAt, r.where(begin.Stack)),
			Fix: txAcrossHTTPFix})
	}
	return alerts
}

// txSpan is one transaction of a record, as the detectors see it.
type txSpan struct {
	begin int32   // index of its begin in Record.Queries
	ops   []int32 // its operations, begin and end included
	// end is when it ended, from the request's start: its commit's or
	// rollback's end; the request's end when it stayed open; its last
	// operation's end when its end was not kept.
	end   time.Duration
	ended bool
}

// transactions are the record's transactions whose begin it kept, in the
// order they began.
func (r *Record) transactions() []txSpan {
	var txs []txSpan
	var byTx map[int32]int // Query.Tx -> index in txs
	for i := range r.Queries {
		q := &r.Queries[i]
		if q.Tx <= 0 {
			continue
		}
		if q.Kind == sqltrace.KindBegin {
			if byTx == nil {
				byTx = map[int32]int{}
			}
			byTx[q.Tx] = len(txs)
			txs = append(txs, txSpan{begin: int32(i), ops: []int32{int32(i)}, end: q.Start + q.Duration})
			continue
		}
		k, ok := byTx[q.Tx]
		if !ok || txs[k].ended {
			continue
		}
		tx := &txs[k]
		tx.ops = append(tx.ops, int32(i))
		tx.end = max(tx.end, q.Start+q.Duration)
		if q.Kind == sqltrace.KindCommit || q.Kind == sqltrace.KindRollback {
			tx.ended, tx.end = true, q.Start+q.Duration
		}
	}
	for i := range txs {
		if r.Queries[txs[i].begin].TxOpen {
			txs[i].end = max(txs[i].end, r.Duration)
		}
	}
	return txs
}
