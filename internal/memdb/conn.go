package memdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// minConn is a Min connection, and the part of every other test shape's
// that driver.Conn requires.
type minConn struct{ c *Connector }

func (c *minConn) Prepare(query string) (driver.Stmt, error) {
	if err := syntaxError(query); err != nil {
		return nil, err
	}
	c.c.prepares.Add(1)
	return &minStmt{}, nil
}
func (c *minConn) Close() error              { return nil }
func (c *minConn) Begin() (driver.Tx, error) { return tx{}, nil }

// syntaxError fails a statement containing SYNTAX ERROR, so tests can see a
// failed prepare.
func syntaxError(query string) error {
	if strings.Contains(query, "SYNTAX ERROR") {
		return errors.New("memdb: syntax error")
	}
	return nil
}

// validatorConn is a Validator connection.
type validatorConn struct{ *minConn }

func (c *validatorConn) IsValid() bool { return true }

// FullConn is a connection of the Full, Skip and MinRows shapes, with every
// optional interface of database/sql/driver. A test that gives a driver one
// more behaviour (lib/pq's COPY, pgx's NamedValueChecker) embeds a
// *FullConn, which Connect returns for those shapes, and replaces one
// method, keeping every other interface.
type FullConn struct {
	*minConn
	shape Shape
}

// BeginTx begins a transaction, whatever its options.
func (c *FullConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return tx{}, nil
}

// PrepareContext prepares a statement with every optional interface.
func (c *FullConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	if err := syntaxError(query); err != nil {
		return nil, err
	}
	c.c.prepares.Add(1)
	return &fullStmt{}, nil
}

// ExecContext affects 2 rows. It answers driver.ErrSkip for a statement
// with arguments in the Skip shape, driver.ErrBadConn while
// [Connector.FailNextExecs] says so, and ctx's error once ctx is done.
func (c *FullConn) ExecContext(ctx context.Context, _ string, args []driver.NamedValue) (driver.Result, error) {
	if c.shape == Skip && len(args) > 0 {
		return nil, driver.ErrSkip
	}
	if c.c.badConn() {
		return nil, driver.ErrBadConn
	}
	return driver.RowsAffected(2), ctx.Err()
}

// QueryContext returns [RowsPerQuery] rows, with every optional interface
// but in the MinRows shape. It answers driver.ErrSkip for a statement with
// arguments in the Skip shape, and ctx's error once ctx is done.
func (c *FullConn) QueryContext(ctx context.Context, _ string, args []driver.NamedValue) (driver.Rows, error) {
	if c.shape == Skip && len(args) > 0 {
		return nil, driver.ErrSkip
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.shape == MinRows {
		return &minRows{}, nil
	}
	return &fullRows{}, nil
}

// Exec is the deprecated driver.Execer, which database/sql never calls when
// ExecContext exists: it fails, so a wrapper that calls it is seen.
func (c *FullConn) Exec(string, []driver.Value) (driver.Result, error) {
	return nil, errors.New("memdb: deprecated Exec called")
}

// Query is the deprecated driver.Queryer, which database/sql never calls
// when QueryContext exists: it fails, so a wrapper that calls it is seen.
func (c *FullConn) Query(string, []driver.Value) (driver.Rows, error) {
	return nil, errors.New("memdb: deprecated Query called")
}

// Ping succeeds.
func (c *FullConn) Ping(context.Context) error { return nil }

// ResetSession succeeds.
func (c *FullConn) ResetSession(context.Context) error { return nil }

// IsValid reports true.
func (c *FullConn) IsValid() bool { return true }

// CheckNamedValue accepts an []int64, as pgx accepts slices for arrays, and
// answers driver.ErrSkip for anything else, which database/sql then
// converts as usual.
func (c *FullConn) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.([]int64); ok {
		return nil
	}
	return driver.ErrSkip
}

type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }
