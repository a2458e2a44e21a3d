package pgxtrace

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Tracer records pgx's queries, batches, copies, prepares and pool waits
// as [sqltrace.Event] values, into the recorder of each operation's context
// or of the request its goroutine belongs to (see [sqltrace.Follow]). Make
// one with [New] and set it as the connection config's Tracer; it is safe
// for concurrent use, and one Tracer may serve any number of connections
// and pools.
type Tracer struct {
	// dbs are the databases the tracer's connections reach, by server,
	// database and user: each is a database of its own for EXPLAIN.
	dbs databases
	in  *sqltrace.Instrument
	// quiet captures no caller: a batch's queries take the caller of
	// SendBatch, and an acquire captures its caller only when it is kept.
	quiet *sqltrace.Instrument
}

var (
	_ pgx.QueryTracer       = (*Tracer)(nil)
	_ pgx.BatchTracer       = (*Tracer)(nil)
	_ pgx.CopyFromTracer    = (*Tracer)(nil)
	_ pgx.PrepareTracer     = (*Tracer)(nil)
	_ pgx.ConnectTracer     = (*Tracer)(nil)
	_ pgxpool.AcquireTracer = (*Tracer)(nil)
)

// New returns a tracer configured with the options the database/sql
// wrapper takes (argument caps, callers, skipped packages). pgx's own
// packages are never the caller.
func New(opts ...sqltrace.Option) *Tracer {
	all := append([]sqltrace.Option{sqltrace.WithSkipPackages("github.com/jackc/pgx/v5")}, opts...)
	quiet := append(all[:len(all):len(all)], sqltrace.WithoutCallers())
	return &Tracer{in: sqltrace.NewInstrument(all...), quiet: sqltrace.NewInstrument(quiet...)}
}

type queryKey struct{}

// TraceQueryStart implements [pgx.QueryTracer]. It runs for Query,
// QueryRow and Exec, and for the statements of Begin, Commit and Rollback.
// Without a recorder it returns ctx as it is.
func (t *Tracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	args, named := queryArgs(data.Args)
	op := t.in.Start(ctx, sqltrace.KindExec, data.SQL, args)
	if op == nil {
		return ctx
	}
	e := op.Event()
	if named != nil {
		t.copyNamed(ctx, e, named)
	}
	st := stateOf(conn)
	e.SQL = st.statementSQL(data.SQL)
	e.ConnID = st.id
	e.DB = t.dbs.of(conn, st)
	e.Kind = kindOf(e.SQL)
	e.TxID = st.statement(e.Kind, conn.PgConn().TxStatus())
	if isControl(e.Kind) {
		e.SQL = "" // as the database/sql wrapper records begin, commit and rollback
	}
	return context.WithValue(ctx, queryKey{}, op)
}

// TraceQueryEnd implements [pgx.QueryTracer]. For a query it runs when
// the rows are closed (pgx.CollectRows closes them), with the number of
// rows the server sent.
func (t *Tracer) TraceQueryEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	op, _ := ctx.Value(queryKey{}).(*sqltrace.Op)
	if op == nil {
		return
	}
	end(op, stateOf(conn), data.CommandTag, data.Err)
}

type prepareKey struct{}

// TracePrepareStart implements [pgx.PrepareTracer]. Only an explicit
// Prepare is recorded: the one pgx makes itself to run a query or a copy
// for the first time on a connection is part of that operation's time.
// A statement prepared by name, recorded or not (in AfterConnect, say), is
// remembered for the connection, so a query that runs it by name is
// recorded with its SQL.
func (t *Tracer) TracePrepareStart(ctx context.Context, conn *pgx.Conn, data pgx.TracePrepareStartData) context.Context {
	st := stateOf(conn)
	st.prepare(data.Name, data.SQL)
	if ctx.Value(queryKey{}) != nil || ctx.Value(copyKey{}) != nil {
		return ctx
	}
	op := t.in.Start(ctx, sqltrace.KindPrepare, data.SQL, nil)
	if op == nil {
		return ctx
	}
	e := op.Event()
	e.ConnID = st.id
	e.TxID = st.statement(sqltrace.KindPrepare, conn.PgConn().TxStatus())
	return context.WithValue(ctx, prepareKey{}, op)
}

// TracePrepareEnd implements [pgx.PrepareTracer]. A statement the
// connection had already prepared went nowhere and is not recorded.
func (t *Tracer) TracePrepareEnd(ctx context.Context, conn *pgx.Conn, data pgx.TracePrepareEndData) {
	if op, _ := ctx.Value(prepareKey{}).(*sqltrace.Op); op != nil {
		if !data.AlreadyPrepared {
			op.End(data.Err)
		}
		return
	}
	if data.Err != nil {
		if c, _ := ctx.Value(copyKey{}).(*copying); c != nil {
			// CopyFrom returns this error without tracing its end.
			c.end(pgconn.CommandTag{}, data.Err)
		}
	}
}

// TraceConnectStart implements [pgx.ConnectTracer].
func (t *Tracer) TraceConnectStart(ctx context.Context, data pgx.TraceConnectStartData) context.Context {
	return ctx
}

// TraceConnectEnd implements [pgx.ConnectTracer]: it gives the new
// connection its [sqltrace.Event.ConnID].
func (t *Tracer) TraceConnectEnd(ctx context.Context, data pgx.TraceConnectEndData) {
	if data.Conn != nil {
		t.dbs.of(data.Conn, stateOf(data.Conn))
	}
}
