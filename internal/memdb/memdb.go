// Package memdb is the in-memory database driver the tests and benchmarks
// share, so that what they see is the code in front of the driver (sqltrace,
// database/sql, the toolbar), not a database.
//
// The zero [Connector] is the benchmarks' database ([Lean]): its
// connections answer every query with one row and every exec with one row
// affected, and do nothing else.
//
//	db := sql.OpenDB(&memdb.Connector{})
//
// A Connector with another [Shape] is for tests of a wrapper's forwarding:
// its connections, statements and rows implement the optional interfaces of
// database/sql/driver the Shape names, every query returns [RowsPerQuery]
// rows, [Connector.Prepares] counts prepared statements and
// [Connector.FailNextExecs] makes execs answer driver.ErrBadConn.
//
//	c := &memdb.Connector{Shape: memdb.Min} // only driver.Conn's methods
//	db := sql.OpenDB(sqltrace.WrapConnector(c))
//	db.QueryContext(ctx, "SELECT n FROM t") // rows of n: 1, 2, 3
//	c.Prepares()                            // 1: database/sql prepared the query
//
// Queries are answered whatever their text, except that a statement
// containing SYNTAX ERROR fails to prepare, in every Shape but Lean.
package memdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
)

// RowsPerQuery is how many rows a query returns in every Shape but [Lean]:
// int64 1, 2, ... RowsPerQuery in column n.
const RowsPerQuery = 3

// Connector opens connections to an in-memory database whose connections
// have the optional interfaces of its Shape. Its zero value is ready to
// use, with the [Lean] shape. Shape must not change once the Connector is
// in use.
//
// Connector has no Close method, as the benchmarks' connector never had: a
// test that needs an io.Closer connector embeds a *Connector and adds one.
type Connector struct {
	Shape Shape

	prepares atomic.Int64
	badConns atomic.Int64 // ErrBadConn answers still to give
}

// Connect returns a new connection of c's Shape, or an error for a Shape
// this package does not define.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	switch c.Shape {
	case Lean:
		return leanConn{}, nil
	case Min:
		return &minConn{c}, nil
	case Validator:
		return &validatorConn{&minConn{c}}, nil
	case Full, Skip, MinRows:
		return &FullConn{minConn: &minConn{c}, shape: c.Shape}, nil
	}
	return nil, fmt.Errorf("memdb: unknown Shape %d", c.Shape)
}

// Driver returns a driver whose connections are c's. It is the same value
// on every call, and has no driver.DriverContext.
func (c *Connector) Driver() driver.Driver { return drv{c} }

// Prepares returns how many statements c's connections have prepared,
// those database/sql prepares on its own (for a driver without
// QueryerContext, or after driver.ErrSkip) included.
func (c *Connector) Prepares() int { return int(c.prepares.Load()) }

// FailNextExecs makes the next n execs sent to a connection's ExecContext
// answer driver.ErrBadConn, as a driver does on a connection the server has
// closed; database/sql then retries on another connection. It applies to
// the shapes whose ExecContext is a [FullConn]'s (Full, Skip, MinRows), not
// to Lean, which never fails.
func (c *Connector) FailNextExecs(n int) { c.badConns.Store(int64(n)) }

// badConn reports whether this exec is to answer driver.ErrBadConn, and
// counts it.
func (c *Connector) badConn() bool {
	for {
		n := c.badConns.Load()
		if n <= 0 {
			return false
		}
		if c.badConns.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

type drv struct{ c *Connector }

func (d drv) Open(string) (driver.Conn, error) { return d.c.Connect(context.Background()) }
