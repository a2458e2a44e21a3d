package sqltrace_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync/atomic"
)

// fakeDriver is an in-memory driver whose connections come in the shapes a
// test asks for, so the wrapper's forwarding and its own cost can be seen
// without a database. Every query returns fakeRowCount rows of one int64.
type fakeDriver struct {
	shape    string // "min", "full", "skip" (answers ErrSkip when there are arguments), "validator" (Validator without SessionResetter), "minrows" (full, with minimal rows)
	prepares atomic.Int64
	badConns atomic.Int64 // number of ErrBadConn answers still to give
}

const fakeRowCount = 3

func (d *fakeDriver) Open(string) (driver.Conn, error) {
	m := &minConn{d: d}
	switch d.shape {
	case "min":
		return m, nil
	case "validator":
		return &validatorConn{m}, nil
	case "skip":
		return &fullConn{minConn: m, skipArgs: true}, nil
	case "minrows":
		return &fullConn{minConn: m, minRows: true}, nil
	}
	return &fullConn{minConn: m}, nil
}

// fakeConnector lets tests use OpenDB and WrapConnector.
type fakeConnector struct {
	d      *fakeDriver
	closed bool
}

func (c *fakeConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open("") }
func (c *fakeConnector) Driver() driver.Driver                        { return c.d }
func (c *fakeConnector) Close() error                                 { c.closed = true; return nil }

// minConn has only what every driver.Conn has.
type minConn struct{ d *fakeDriver }

func (c *minConn) Prepare(query string) (driver.Stmt, error) {
	c.d.prepares.Add(1)
	return &minStmt{}, nil
}
func (c *minConn) Close() error              { return nil }
func (c *minConn) Begin() (driver.Tx, error) { return fakeTx{}, nil }

type validatorConn struct{ *minConn }

func (c *validatorConn) IsValid() bool { return true }

// fullConn has every optional interface.
type fullConn struct {
	*minConn
	skipArgs bool
	minRows  bool
}

func (c *fullConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return fakeTx{}, nil
}
func (c *fullConn) PrepareContext(_ context.Context, q string) (driver.Stmt, error) {
	if strings.Contains(q, "SYNTAX ERROR") {
		return nil, errors.New("syntax error")
	}
	c.d.prepares.Add(1)
	return &fullStmt{}, nil
}
func (c *fullConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if c.skipArgs && len(args) > 0 {
		return nil, driver.ErrSkip
	}
	if c.d.badConns.Load() > 0 {
		c.d.badConns.Add(-1)
		return nil, driver.ErrBadConn
	}
	return driver.RowsAffected(2), ctx.Err()
}
func (c *fullConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if c.skipArgs && len(args) > 0 {
		return nil, driver.ErrSkip
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.minRows {
		return &minRows{}, nil
	}
	return &fullRows{}, nil
}
func (c *fullConn) Exec(string, []driver.Value) (driver.Result, error) {
	return nil, errors.New("deprecated Exec called")
}
func (c *fullConn) Query(string, []driver.Value) (driver.Rows, error) {
	return nil, errors.New("deprecated Query called")
}
func (c *fullConn) Ping(context.Context) error                  { return nil }
func (c *fullConn) ResetSession(context.Context) error          { return nil }
func (c *fullConn) IsValid() bool                               { return true }
func (c *fullConn) CheckNamedValue(nv *driver.NamedValue) error { return checkFakeValue(nv) }

// checkFakeValue accepts []int64, as pgx accepts slices for arrays.
func checkFakeValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.([]int64); ok {
		return nil
	}
	return driver.ErrSkip
}

type fakeTx struct{}

func (fakeTx) Commit() error   { return nil }
func (fakeTx) Rollback() error { return nil }

type minStmt struct{}

func (*minStmt) Close() error                               { return nil }
func (*minStmt) NumInput() int                              { return -1 }
func (*minStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(2), nil }
func (*minStmt) Query([]driver.Value) (driver.Rows, error)  { return &minRows{}, nil }

type fullStmt struct{ minStmt }

func (*fullStmt) ExecContext(ctx context.Context, _ []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(2), ctx.Err()
}
func (*fullStmt) QueryContext(ctx context.Context, _ []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &fullRows{}, nil
}
func (*fullStmt) ColumnConverter(int) driver.ValueConverter { return driver.DefaultParameterConverter }

type minRows struct{ n int }

func (*minRows) Columns() []string { return []string{"n"} }
func (*minRows) Close() error      { return nil }
func (r *minRows) Next(dest []driver.Value) error {
	if r.n == fakeRowCount {
		return io.EOF
	}
	r.n++
	dest[0] = int64(r.n)
	return nil
}

type fullRows struct{ minRows }

func (*fullRows) HasNextResultSet() bool                            { return false }
func (*fullRows) NextResultSet() error                              { return io.EOF }
func (*fullRows) ColumnTypeScanType(int) reflect.Type               { return reflect.TypeFor[int64]() }
func (*fullRows) ColumnTypeDatabaseTypeName(int) string             { return "BIGINT" }
func (*fullRows) ColumnTypeLength(int) (int64, bool)                { return 0, false }
func (*fullRows) ColumnTypeNullable(int) (bool, bool)               { return false, true }
func (*fullRows) ColumnTypePrecisionScale(int) (int64, int64, bool) { return 0, 0, false }
