package memdb

import (
	"context"
	"database/sql/driver"
)

// minStmt is a statement with only driver.Stmt's methods.
type minStmt struct{}

func (*minStmt) Close() error                               { return nil }
func (*minStmt) NumInput() int                              { return -1 }
func (*minStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(2), nil }
func (*minStmt) Query([]driver.Value) (driver.Rows, error)  { return &minRows{}, nil }

// fullStmt is a statement with every optional interface.
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
