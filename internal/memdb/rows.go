package memdb

import (
	"database/sql/driver"
	"io"
	"reflect"
)

// minRows are RowsPerQuery rows with only driver.Rows' methods.
type minRows struct{ n int }

func (*minRows) Columns() []string { return []string{"n"} }
func (*minRows) Close() error      { return nil }
func (r *minRows) Next(dest []driver.Value) error {
	if r.n == RowsPerQuery {
		return io.EOF
	}
	r.n++
	dest[0] = int64(r.n)
	return nil
}

// fullRows are RowsPerQuery rows with every optional interface.
type fullRows struct{ minRows }

func (*fullRows) HasNextResultSet() bool                            { return false }
func (*fullRows) NextResultSet() error                              { return io.EOF }
func (*fullRows) ColumnTypeScanType(int) reflect.Type               { return reflect.TypeFor[int64]() }
func (*fullRows) ColumnTypeDatabaseTypeName(int) string             { return "BIGINT" }
func (*fullRows) ColumnTypeLength(int) (int64, bool)                { return 0, false }
func (*fullRows) ColumnTypeNullable(int) (bool, bool)               { return false, true }
func (*fullRows) ColumnTypePrecisionScale(int) (int64, int64, bool) { return 0, 0, false }
