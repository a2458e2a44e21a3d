package pgxtrace

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// minAcquireWait is how long taking a connection from a pool must take to
// be recorded. An idle connection is handed out in microseconds; a
// recorded acquire means the request waited for a busy pool or for a new
// connection to be dialled.
const minAcquireWait = time.Millisecond

type acquireKey struct{}

// TraceAcquireStart implements [pgxpool.AcquireTracer].
func (t *Tracer) TraceAcquireStart(ctx context.Context, pool *pgxpool.Pool, data pgxpool.TraceAcquireStartData) context.Context {
	op := t.quiet.Start(ctx, sqltrace.KindAcquire, "", nil)
	if op == nil {
		return ctx
	}
	return context.WithValue(ctx, acquireKey{}, op)
}

// TraceAcquireEnd implements [pgxpool.AcquireTracer]. A wait of a
// millisecond or more, or a failed one, is a [sqltrace.KindAcquire] event
// with the connection it got. Its caller is captured here, not when the
// wait began: the app's frame is the same, and a quick acquire, the usual
// case, costs no stack walk.
func (t *Tracer) TraceAcquireEnd(ctx context.Context, pool *pgxpool.Pool, data pgxpool.TraceAcquireEndData) {
	started, _ := ctx.Value(acquireKey{}).(*sqltrace.Op)
	if started == nil {
		return
	}
	start := started.Event().Start
	if data.Err == nil && time.Since(start) < minAcquireWait {
		return
	}
	op := t.in.Start(ctx, sqltrace.KindAcquire, "", nil)
	if op == nil {
		return
	}
	e := op.Event()
	e.Start = start
	if data.Conn != nil {
		e.ConnID = stateOf(data.Conn).id
	}
	op.End(data.Err)
}
