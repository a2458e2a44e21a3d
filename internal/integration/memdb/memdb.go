// Package memdb is the in-memory database the integration tests and
// benchmarks share: every query returns one row at once and every exec
// affects one row, so a benchmark measures the wrapper and the toolbar, not
// a database.
package memdb

import (
	"context"
	"database/sql/driver"
	"io"
)

// Connector opens connections to the in-memory database. Its zero value is
// ready to use.
type Connector struct{}

// Connect returns a new connection.
func (Connector) Connect(context.Context) (driver.Conn, error) { return conn{}, nil }

// Driver returns a driver whose connections are the connector's.
func (Connector) Driver() driver.Driver { return drv{} }

type drv struct{}

func (drv) Open(string) (driver.Conn, error) { return conn{}, nil }

type conn struct{}

func (conn) Prepare(string) (driver.Stmt, error) { return nil, driver.ErrSkip }
func (conn) Close() error                        { return nil }
func (conn) Begin() (driver.Tx, error)           { return tx{}, nil }
func (conn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return tx{}, nil
}

func (conn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return &rows{}, nil
}

func (conn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}

type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }

type rows struct{ done bool }

func (*rows) Columns() []string { return []string{"v"} }
func (*rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0] = "a"
	return nil
}
