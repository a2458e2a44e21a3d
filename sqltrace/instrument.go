package sqltrace

import (
	"context"
	"time"
)

// Instrument records the operations of a database client that does not go
// through database/sql (pgx's native interface, say) into the same
// recorders, with the same events, as the driver wrapper: an integration
// calls [Instrument.Start] when an operation begins and [Op.End] when it
// ends. It is safe for concurrent use.
//
//	var in = sqltrace.NewInstrument()
//
//	func (t *tracer) TraceQueryStart(ctx context.Context, ...) context.Context {
//		op := in.Start(ctx, sqltrace.KindQuery, data.SQL, data.Args)
//		return context.WithValue(ctx, opKey{}, op)
//	}
//	func (t *tracer) TraceQueryEnd(ctx context.Context, ...) {
//		op, _ := ctx.Value(opKey{}).(*sqltrace.Op)
//		op.Event().Rows = data.CommandTag.RowsAffected()
//		op.End(data.Err)
//	}
type Instrument struct{ cfg *config }

// NewInstrument returns an instrument configured with the options the
// driver wrapper takes (argument caps, callers, skipped packages).
func NewInstrument(opts ...Option) *Instrument { return &Instrument{cfg: newConfig(opts)} }

// Op is an operation being recorded. Every method of a nil *Op does
// nothing, so an integration need not check whether anything records.
type Op struct {
	rec Recorder
	cfg *config
	ev  Event
}

// Start begins an operation run with ctx: it finds the recorder (the
// context's, else the one of the request the calling goroutine belongs to;
// see [Follow]), copies args within the caps, and captures the caller now,
// since an operation often ends in a library's code (pgx.CollectRows).
// It returns nil when nothing records the operation.
func (in *Instrument) Start(ctx context.Context, k Kind, query string, args []any) *Op {
	r, noCtx := lookup(ctx)
	if r == nil {
		return nil
	}
	op := &Op{rec: r, cfg: in.cfg, ev: Event{Kind: k, DB: in.cfg.db, Start: time.Now(), NoContext: noCtx, Rows: -1, frames: in.cfg.frames}}
	op.ev.SQL, op.ev.SQLTruncated = in.cfg.capSQL(query)
	if len(args) > 0 {
		a := in.cfg.newArgCopier(len(args))
		for _, v := range args {
			a.add("", v)
		}
		op.ev.Args, op.ev.ArgsTruncated = a.args, a.truncated
	}
	if in.cfg.callers {
		var buf [fpFrames]uintptr
		op.ev.pcs = in.cfg.frames.callers(in.cfg.stackDepth, &buf)
	}
	return op
}

// Callers returns the calling goroutine's stack as Start captures it (the
// zero Callers with [WithoutCallers]): for an integration that records
// other operations beside the database's, a cache call or an outgoing
// request, with the caller found the same way.
//
//go:noinline
func (in *Instrument) Callers() Callers {
	if !in.cfg.callers {
		return Callers{}
	}
	var buf [fpFrames]uintptr
	pcs := in.cfg.frames.callers(in.cfg.stackDepth, &buf)
	if len(pcs) == 0 {
		return Callers{}
	}
	return Callers{pc: &pcs[0], n: len(pcs), frames: in.cfg.frames}
}

// Event returns the event being built, for the integration to set what it
// learns (Rows, TxID, ConnID, or SQL, which End caps like Start). It is nil
// for a nil Op.
func (op *Op) Event() *Event {
	if op == nil {
		return nil
	}
	return &op.ev
}

// End finishes the operation: its duration is the time since Start, err
// (if any) its error, and the event is handed to the recorder. Call it
// once.
func (op *Op) End(err error) {
	if op == nil {
		return
	}
	op.ev.Duration = time.Since(op.ev.Start)
	if err != nil {
		op.ev.Err = err
	}
	if len(op.ev.SQL) > op.cfg.maxSQLLen { // set through Event after Start
		op.ev.SQL, op.ev.SQLTruncated = op.cfg.capSQL(op.ev.SQL)
	}
	op.rec.Record(op.ev)
}

// NewConnID returns a connection id that no other connection recorded by
// this process has, for an integration's [Event.ConnID].
func NewConnID() uint64 { return lastConnID.Add(1) }

// NewTxID returns a transaction id that no other transaction recorded by
// this process has, for an integration's [Event.TxID].
func NewTxID() uint64 { return lastTxID.Add(1) }
