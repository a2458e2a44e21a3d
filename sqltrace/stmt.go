package sqltrace

import (
	"context"
	"database/sql/driver"
	"time"
)

// stmt wraps a prepared statement. It records into the context of each
// execution, never the one it was prepared with: a statement prepared at
// start-up and run by many requests records into each request.
type stmt struct {
	raw driver.Stmt
	c   *conn
	sql string
	// skipAt is when the Exec or Query that answered driver.ErrSkip began;
	// the statement's first execution is timed from there.
	skipAt time.Time
}

func newStmt(c *conn, raw driver.Stmt, query string, skipAt time.Time) driver.Stmt {
	return wrapStmt(&stmt{raw: raw, c: c, sql: query, skipAt: skipAt})
}

func (s *stmt) unwrapStmt() driver.Stmt { return s.raw }

func (s *stmt) Close() error  { return s.raw.Close() }
func (s *stmt) NumInput() int { return s.raw.NumInput() }

// start returns when an execution began: now, or for the statement
// database/sql prepared after driver.ErrSkip, when the original call began.
func (s *stmt) start() time.Time {
	if t := s.skipAt; !t.IsZero() {
		s.skipAt = time.Time{}
		return t
	}
	return time.Now()
}

// Exec and Query, the deprecated forms, are never called by database/sql:
// ExecContext and QueryContext are always claimed, and for a driver
// statement without them do what database/sql does then.

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	//lint:ignore SA1019 forwarding the deprecated method for drivers that only have it
	return s.exec(context.Background(), func() (driver.Result, error) { return s.raw.Exec(args) }, namedOf(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.exec(ctx, func() (driver.Result, error) {
		if ec, ok := s.raw.(driver.StmtExecContext); ok {
			return ec.ExecContext(ctx, args)
		}
		dargs, err := valuesOf(ctx, args)
		if err != nil {
			return nil, err
		}
		//lint:ignore SA1019 the fallback database/sql itself uses
		return s.raw.Exec(dargs)
	}, args)
}

func (s *stmt) exec(ctx context.Context, do func() (driver.Result, error), args []driver.NamedValue) (driver.Result, error) {
	t := s.c.recorder(ctx)
	if t.rec == nil {
		s.skipAt = time.Time{}
		return do()
	}
	start := s.start()
	res, err := do()
	s.c.recordExec(t.rec, s.c.event(KindExec, s.sql, start, t, err), args, res)
	return res, err
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	//lint:ignore SA1019 forwarding the deprecated method for drivers that only have it
	return s.query(context.Background(), func() (driver.Rows, error) { return s.raw.Query(args) }, namedOf(args))
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.query(ctx, func() (driver.Rows, error) {
		if qc, ok := s.raw.(driver.StmtQueryContext); ok {
			return qc.QueryContext(ctx, args)
		}
		dargs, err := valuesOf(ctx, args)
		if err != nil {
			return nil, err
		}
		//lint:ignore SA1019 the fallback database/sql itself uses
		return s.raw.Query(dargs)
	}, args)
}

func (s *stmt) query(ctx context.Context, do func() (driver.Rows, error), args []driver.NamedValue) (driver.Rows, error) {
	t := s.c.recorder(ctx)
	if t.rec == nil {
		s.skipAt = time.Time{}
		return do()
	}
	start := s.start()
	rows, err := do()
	return s.c.recordRows(ctx, t.rec, s.c.event(KindQuery, s.sql, start, t, err), args, rows)
}

// namedOf gives the deprecated methods' arguments the shape of the others'.
// It allocates, but only drivers without the Context forms pay for it.
func namedOf(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// CheckNamedValue is always claimed: it uses the driver statement's checker,
// else the driver connection's (pgx and lib/pq have only that one), else
// answers driver.ErrSkip, which database/sql treats as no checker.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if nvc, ok := s.raw.(driver.NamedValueChecker); ok {
		return nvc.CheckNamedValue(nv)
	}
	if nvc, ok := s.c.raw.(driver.NamedValueChecker); ok {
		return nvc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (s *stmt) ColumnConverter(idx int) driver.ValueConverter {
	//lint:ignore SA1019 forwarding the deprecated method for drivers that only have it
	return s.raw.(driver.ColumnConverter).ColumnConverter(idx)
}

// stmtBase is what every statement wrapper has.
type stmtBase interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
	unwrapStmt() driver.Stmt
}
