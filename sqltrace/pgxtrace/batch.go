package pgxtrace

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

type batchKey struct{}

// batch is a SendBatch being recorded.
type batch struct {
	// sent is never ended: it holds the caller of SendBatch and when it
	// was called, for the events of the batch's queries.
	sent  *sqltrace.Op
	b     *pgx.Batch
	n     int // queries recorded so far
	ended bool
}

// TraceBatchStart implements [pgx.BatchTracer]. The caller of SendBatch is
// the caller of every query in the batch: pgx reads their results later,
// often from BatchResults.Close.
func (t *Tracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	sent := t.in.Start(ctx, sqltrace.KindExec, "", nil)
	if sent == nil {
		return ctx
	}
	st := stateOf(conn)
	e := sent.Event()
	e.ConnID = st.id
	e.TxID = st.statement(0, conn.PgConn().TxStatus())
	return context.WithValue(ctx, batchKey{}, &batch{sent: sent, b: data.Batch})
}

// TraceBatchQuery implements [pgx.BatchTracer]: each queued query is one
// event, recorded when its result has been read. The first starts when
// SendBatch was called (it covers sending the batch), the others when pgx
// began reading their results.
func (t *Tracer) TraceBatchQuery(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	bt, _ := ctx.Value(batchKey{}).(*batch)
	if bt == nil {
		return
	}
	op := t.quiet.Start(ctx, sqltrace.KindExec, data.SQL, data.Args)
	if op == nil {
		return
	}
	e := op.Event()
	args, truncated, noCtx := e.Args, e.ArgsTruncated, e.NoContext
	*e = *bt.sent.Event() // an Event is a value: the copy carries the caller of SendBatch
	st := stateOf(conn)
	e.SQL, e.Args, e.ArgsTruncated, e.NoContext = st.statementSQL(data.SQL), args, truncated, noCtx
	if bt.n > 0 && !data.ReadStartTime.IsZero() {
		e.Start = data.ReadStartTime
	}
	bt.n++
	e.DB = t.dbs.of(conn, st)
	e.Kind = kindOf(e.SQL)
	e.TxID = st.statement(e.Kind, 0)
	if isControl(e.Kind) {
		e.SQL = ""
	}
	end(op, st, data.CommandTag, data.Err)
}

// TraceBatchEnd implements [pgx.BatchTracer]. A batch that failed before
// any result was read (one statement that does not parse fails the whole
// batch when pgx prepares it) is one event with the batch's statements and
// the error; any other batch adds nothing to its queries' events.
func (t *Tracer) TraceBatchEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchEndData) {
	bt, _ := ctx.Value(batchKey{}).(*batch)
	if bt == nil || bt.ended {
		return // pgx may report an early error twice: when sending, and again on Close
	}
	bt.ended = true
	if bt.n > 0 || data.Err == nil || len(bt.b.QueuedQueries) == 0 {
		return
	}
	stmts := make([]string, len(bt.b.QueuedQueries))
	for i, q := range bt.b.QueuedQueries {
		stmts[i] = q.SQL
	}
	e := bt.sent.Event()
	e.SQL = strings.Join(stmts, ";\n")
	if k := kindOf(stmts[0]); k == sqltrace.KindQuery {
		e.Kind = k
	}
	bt.sent.End(data.Err)
}
