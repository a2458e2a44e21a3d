package sqltrace

import (
	"context"
	"database/sql/driver"
	"strings"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
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
	// copyIn marks a COPY ... FROM STDIN, whose executions are one
	// operation, gathered in cp from its first recorded execution on (a
	// pointer, so that every other statement stays small).
	copyIn bool
	cp     *copyOp
}

func newStmt(c *conn, raw driver.Stmt, query string, skipAt time.Time) driver.Stmt {
	return wrapStmt(&stmt{raw: raw, c: c, sql: query, skipAt: skipAt, copyIn: isCopyFromStdin(query)})
}

func (s *stmt) unwrapStmt() driver.Stmt { return s.raw }

func (s *stmt) NumInput() int { return s.raw.NumInput() }

// Close records a COPY the app never flushed: closing it sends what is
// left (lib/pq's does).
func (s *stmt) Close() error {
	cp := s.cp
	if cp == nil {
		return s.raw.Close()
	}
	s.cp = nil
	start := time.Now()
	err := s.raw.Close()
	cp.add(start, err)
	cp.finish(cp.rows)
	return err
}

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
	if s.copyIn {
		return s.copyExec(ctx, do, args)
	}
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

// A COPY ... FROM STDIN statement (lib/pq's CopyIn) sends one row per
// Exec and ends with an Exec without arguments, which flushes the rows and
// reports how many were copied; Close without that flush sends them too.
// However many rows, it is one operation, recorded as one exec event when
// it ends: Rows is what the flush reports, else the number of rows sent
// (-1 when it failed), Duration the time in the driver over all its
// executions, Err the first error, and the caller and Start those of its
// first execution. The event has no arguments: the rows are data, not
// parameters, and a cap on the events kept per request must not count them.

// copyOp is a COPY being sent.
type copyOp struct {
	rec  Recorder
	ev   Event
	rows int64
}

// add counts an execution that began at start and returned err.
func (cp *copyOp) add(start time.Time, err error) {
	cp.ev.Duration += time.Since(start)
	if err != nil && cp.ev.Err == nil {
		cp.ev.Err = err
	}
}

// finish records the COPY with the rows it copied.
func (cp *copyOp) finish(rows int64) {
	cp.ev.Rows = rows
	if cp.ev.Err != nil {
		cp.ev.Rows = -1
	}
	cp.rec.Record(cp.ev)
}

func (s *stmt) copyExec(ctx context.Context, do func() (driver.Result, error), args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	var err error
	cp := s.cp
	if cp == nil {
		t := s.c.recorder(ctx)
		if t.rec == nil {
			s.skipAt = time.Time{}
			return do()
		}
		start := s.start()
		res, err = do()
		cp = &copyOp{rec: t.rec, ev: s.c.event(KindExec, s.sql, start, t, err)}
		s.cp = cp
	} else {
		start := time.Now()
		res, err = do()
		cp.add(start, err)
	}
	if len(args) > 0 {
		if err == nil {
			cp.rows++
		}
		return res, err
	}
	s.cp = nil
	rows := cp.rows
	if err == nil && res != nil {
		if n, err := res.RowsAffected(); err == nil {
			rows = n
		}
	}
	cp.finish(rows)
	return res, err
}

// isCopyFromStdin reports whether query is a COPY ... FROM STDIN, whatever
// the case and with any whitespace and comments before it. Any other
// statement is told apart by its first word.
func isCopyFromStdin(query string) bool {
	lx := sqllex.New(query)
	t := nextCode(&lx)
	if t.Kind != sqllex.Word || !strings.EqualFold(query[t.Start:t.End], "copy") {
		return false
	}
	depth := 0 // the query of COPY (SELECT ... FROM t) TO STDOUT is not a source
	for t = nextCode(&lx); t.Kind != 0; t = nextCode(&lx) {
		switch {
		case t.Kind == sqllex.Open:
			depth++
		case t.Kind == sqllex.Close:
			depth--
		case depth == 0 && t.Keyword == sqllex.From:
			t = nextCode(&lx)
			return t.Kind == sqllex.Word && strings.EqualFold(query[t.Start:t.End], "stdin")
		}
	}
	return false
}

// nextCode returns the next token that is not a comment, Kind 0 at the end.
func nextCode(lx *sqllex.Lexer) sqllex.Token {
	for {
		t, ok := lx.Next()
		if !ok || t.Kind != sqllex.Comment {
			return t
		}
	}
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
