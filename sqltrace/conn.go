package sqltrace

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync/atomic"
	"time"
)

var (
	lastConnID atomic.Uint64
	lastTxID   atomic.Uint64
)

// conn wraps a driver connection. database/sql never uses one connection
// from two goroutines at once (it holds the connection's lock around every
// driver call), so the fields below need no lock of their own.
type conn struct {
	raw driver.Conn
	cfg *config
	id  uint64

	tx   tx   // the open transaction, reused: a connection has at most one
	inTx bool // tx is open
	// The Exec or Query that answered driver.ErrSkip, for the prepare
	// database/sql makes next.
	skipped  string
	skipKind Kind
	skipArgs []driver.NamedValue
	skipAt   time.Time

	args argArena // room for the recorded events' arguments
	// The frame-pointer walk's buffer, kept rather than zeroed on the
	// stack at every operation: a connection runs one at a time.
	pcs [fpFrames]uintptr
	// The optional interfaces of the rows type it returned last (see
	// rowsKind): a driver's queries return one type or two.
	rowsType reflect.Type
	rowsKind uint
}

func newConn(raw driver.Conn, cfg *config) driver.Conn {
	c := &conn{raw: raw, cfg: cfg, id: lastConnID.Add(1)}
	return wrapConn(c)
}

// unwrapConn is the base of every connection wrapper; it gives Unwrap the
// driver's own connection.
func (c *conn) unwrapConn() driver.Conn { return c.raw }

// target is where an operation is recorded.
type target struct {
	rec   Recorder
	txID  uint64 // the transaction it belongs to, or 0
	noCtx bool   // rec came from the goroutine, not the operation's context
}

// recorder returns where an operation run with ctx is recorded. Calls
// without a recorder in their context inside a transaction (tx.Exec)
// record where the transaction's begin did; other calls without one, where
// the goroutine that runs them belongs (see Follow).
func (c *conn) recorder(ctx context.Context) target {
	if c.inTx {
		if r := RecorderFrom(ctx); r != nil {
			return target{rec: r, txID: c.tx.id}
		}
		return target{rec: c.tx.rec, txID: c.tx.id, noCtx: c.tx.noCtx}
	}
	r, noCtx := lookup(ctx)
	return target{rec: r, noCtx: noCtx}
}

// event builds the event of an operation that began at start and has just
// returned. The duration is taken first, so capturing the caller is not
// counted as time in the database.
func (c *conn) event(k Kind, query string, start time.Time, t target, err error) Event {
	e := Event{Kind: k, DB: c.cfg.db, Start: start, Duration: time.Since(start), Err: err, TxID: t.txID, ConnID: c.id, NoContext: t.noCtx, frames: c.cfg.frames}
	e.SQL, e.SQLTruncated = c.cfg.capSQL(query)
	if c.cfg.callers {
		e.pcs = c.cfg.frames.callers(c.cfg.stackDepth, &c.pcs)
	}
	return e
}

// Prepare, Close and Begin are every driver.Conn's.

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.prepare(context.Background(), query, func() (driver.Stmt, error) { return c.raw.Prepare(query) })
}

func (c *conn) Close() error { return c.raw.Close() }

func (c *conn) Begin() (driver.Tx, error) {
	//lint:ignore SA1019 forwarding the deprecated method for drivers that only have it
	return c.begin(context.Background(), func() (driver.Tx, error) { return c.raw.Begin() })
}

// PrepareContext is always claimed, so the prepare is recorded into its
// context. For a driver without ConnPrepareContext it does what
// database/sql does then: Prepare, and give up if ctx ended meanwhile.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.prepare(ctx, query, func() (driver.Stmt, error) {
		if pc, ok := c.raw.(driver.ConnPrepareContext); ok {
			return pc.PrepareContext(ctx, query)
		}
		st, err := c.raw.Prepare(query)
		if err == nil {
			select {
			case <-ctx.Done():
				st.Close()
				return nil, ctx.Err()
			default:
			}
		}
		return st, err
	})
}

// prepare records an explicit prepare. The prepare database/sql makes after
// an Exec or Query answered driver.ErrSkip is not recorded on its own: the
// statement's one execution is recorded as the query, timed from the
// original call.
func (c *conn) prepare(ctx context.Context, query string, do func() (driver.Stmt, error)) (driver.Stmt, error) {
	implicit := c.skipped != "" && c.skipped == query
	skipAt, skipKind, skipArgs := c.skipAt, c.skipKind, c.skipArgs
	c.skipped, c.skipAt, c.skipArgs = "", time.Time{}, nil
	t := c.recorder(ctx)
	r := t.rec
	if r == nil || implicit {
		st, err := do()
		if err != nil {
			if r != nil && !skipAt.IsZero() {
				// The statement never ran: record it once, failed.
				e := c.event(skipKind, query, skipAt, t, err)
				e.Args, e.ArgsTruncated = c.cfg.copyArgsIn(skipArgs, &c.args)
				if skipKind == KindExec {
					e.Rows = -1
				}
				r.Record(e)
			}
			return nil, err
		}
		return newStmt(c, st, query, skipAt), nil
	}
	start := time.Now()
	st, err := do()
	r.Record(c.event(KindPrepare, query, start, t, err))
	if err != nil {
		return nil, err
	}
	return newStmt(c, st, query, time.Time{}), nil
}

// BeginTx is always claimed, so the transaction is attributed to its
// context. For a driver without ConnBeginTx it does what database/sql does
// then.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.begin(ctx, func() (driver.Tx, error) {
		if bt, ok := c.raw.(driver.ConnBeginTx); ok {
			return bt.BeginTx(ctx, opts)
		}
		if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
			return nil, errors.New("sql: driver does not support non-default isolation level")
		}
		if opts.ReadOnly {
			return nil, errors.New("sql: driver does not support read-only transactions")
		}
		//lint:ignore SA1019 the fallback database/sql itself uses
		t, err := c.raw.Begin()
		if err == nil {
			select {
			case <-ctx.Done():
				t.Rollback()
				return nil, ctx.Err()
			default:
			}
		}
		return t, err
	})
}

func (c *conn) begin(ctx context.Context, do func() (driver.Tx, error)) (driver.Tx, error) {
	r, noCtx := lookup(ctx)
	t := target{rec: r, txID: lastTxID.Add(1), noCtx: noCtx}
	var start time.Time
	if r != nil {
		start = time.Now()
	}
	raw, err := do()
	if r != nil {
		r.Record(c.event(KindBegin, "", start, t, err))
	}
	if err != nil {
		return nil, err
	}
	c.tx = tx{c: c, raw: raw, id: t.txID, rec: r, noCtx: noCtx}
	c.inTx = true
	return &c.tx, nil
}

// ExecContext is always claimed: a driver without ExecerContext answers
// driver.ErrSkip, which database/sql defines as "continue as if the optional
// interface was not implemented", and one with only the deprecated Execer is
// called the way database/sql would call it.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.exec(ctx, query, func() (driver.Result, error) {
		switch raw := c.raw.(type) {
		case driver.ExecerContext:
			return raw.ExecContext(ctx, query, args)
		case driver.Execer: //lint:ignore SA1019 forwarding the deprecated interface for drivers that only have it
			dargs, err := valuesOf(ctx, args)
			if err != nil {
				return nil, err
			}
			return raw.Exec(query, dargs)
		}
		return nil, driver.ErrSkip
	}, args)
}

// exec runs and records a statement that returns a result. driver.ErrSkip
// is returned as it is and not recorded: database/sql prepares next.
func (c *conn) exec(ctx context.Context, query string, do func() (driver.Result, error), args []driver.NamedValue) (driver.Result, error) {
	t := c.recorder(ctx)
	if t.rec == nil {
		res, err := do()
		if err == driver.ErrSkip {
			c.skipped = query
		}
		return res, err
	}
	start := time.Now()
	res, err := do()
	if err == driver.ErrSkip {
		c.skipped, c.skipKind, c.skipArgs, c.skipAt = query, KindExec, args, start
		return res, err
	}
	c.recordExec(t.rec, c.event(KindExec, query, start, t, err), args, res)
	return res, err
}

func (c *conn) recordExec(r Recorder, e Event, args []driver.NamedValue, res driver.Result) {
	e.Args, e.ArgsTruncated = c.cfg.copyArgsIn(args, &c.args)
	e.Rows = -1
	if e.Err == nil && res != nil {
		if n, err := res.RowsAffected(); err == nil {
			e.Rows = n
		}
	}
	r.Record(e)
}

// QueryContext is always claimed, like ExecContext.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.query(ctx, query, func() (driver.Rows, error) {
		switch raw := c.raw.(type) {
		case driver.QueryerContext:
			return raw.QueryContext(ctx, query, args)
		case driver.Queryer: //lint:ignore SA1019 forwarding the deprecated interface for drivers that only have it
			dargs, err := valuesOf(ctx, args)
			if err != nil {
				return nil, err
			}
			return raw.Query(query, dargs)
		}
		return nil, driver.ErrSkip
	}, args)
}

// valuesOf converts arguments for a driver's deprecated methods, and stops
// when ctx is done, as database/sql does before calling them.
func valuesOf(ctx context.Context, args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errors.New("sql: driver does not support the use of Named Parameters")
		}
		out[i] = a.Value
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	default:
		return out, nil
	}
}

// query runs a statement that returns rows. With a recorder, the rows are
// wrapped to count what the caller reads; the event is recorded when they
// are closed. Without one, the driver's rows are returned as they are.
func (c *conn) query(ctx context.Context, query string, do func() (driver.Rows, error), args []driver.NamedValue) (driver.Rows, error) {
	t := c.recorder(ctx)
	if t.rec == nil {
		rows, err := do()
		if err == driver.ErrSkip {
			c.skipped = query
		}
		return rows, err
	}
	start := time.Now()
	rows, err := do()
	if err == driver.ErrSkip {
		c.skipped, c.skipKind, c.skipArgs, c.skipAt = query, KindQuery, args, start
		return rows, err
	}
	return c.recordRows(ctx, t.rec, c.event(KindQuery, query, start, t, err), args, rows)
}

// recordRows finishes the query event now when the query failed, and
// otherwise hands it to a rows wrapper that finishes it on Close.
func (c *conn) recordRows(ctx context.Context, r Recorder, e Event, args []driver.NamedValue, rows driver.Rows) (driver.Rows, error) {
	e.Args, e.ArgsTruncated = c.cfg.copyArgsIn(args, &c.args)
	if e.Err != nil {
		r.Record(e)
		return rows, e.Err
	}
	t := reflect.TypeOf(rows)
	if t != c.rowsType {
		c.rowsType, c.rowsKind = t, rowsKind(rows)
	}
	return wrapRows(ctx, rows, c.rowsKind, r, e), nil
}

func (c *conn) Ping(ctx context.Context) error { return c.raw.(driver.Pinger).Ping(ctx) }

func (c *conn) ResetSession(ctx context.Context) error {
	return c.raw.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.raw.(driver.Validator).IsValid() }

// CheckNamedValue is always claimed: without the driver's own checker it
// answers driver.ErrSkip, which database/sql treats as the checker's absence.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nvc, ok := c.raw.(driver.NamedValueChecker); ok {
		return nvc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// connBase is what every connection wrapper has: driver.Conn and the way
// back to the driver's connection.
type connBase interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.NamedValueChecker
	unwrapConn() driver.Conn
}
