//go:generate go run gen_combos.go

package sqltrace

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"
	"time"
)

// rows wraps a driver's rows while a query is recorded: it counts the rows
// the caller reads, adds the time spent fetching them, and records the event
// when closed. database/sql never runs Next and Close at once (Rows.closemu),
// even when it closes the rows from its own goroutine after the context is
// cancelled, so the fields need no lock.
type rows struct {
	raw    driver.Rows
	ctx    context.Context
	rec    Recorder
	ev     Event
	closed bool
}

func (r *rows) unwrapRows() driver.Rows { return r.raw }

func (r *rows) Columns() []string { return r.raw.Columns() }

func (r *rows) Next(dest []driver.Value) error {
	start := time.Now()
	err := r.raw.Next(dest)
	r.counted(start, err)
	return err
}

func (r *rows) counted(start time.Time, err error) {
	r.ev.Duration += time.Since(start)
	switch {
	case err == nil:
		r.ev.Rows++
	case err != io.EOF && r.ev.Err == nil:
		r.ev.Err = err
	}
}

func (r *rows) Close() error {
	start := time.Now()
	err := r.raw.Close()
	if r.closed {
		return err
	}
	r.closed = true
	r.ev.Duration += time.Since(start)
	if r.ev.Err == nil {
		r.ev.Err = err
	}
	if r.ev.Err == nil {
		// database/sql closes the rows from its own goroutine when the
		// query's context ends; the reason is the context's.
		r.ev.Err = r.ctx.Err()
	}
	r.rec.Record(r.ev)
	return err
}

// The optional interfaces of driver.Rows, each without the methods of
// driver.Rows itself, so that a wrapper can embed exactly the ones the
// driver's rows have.
type (
	rowsNextResultSet interface {
		HasNextResultSet() bool
		NextResultSet() error
	}
	rowsColumnTypeScanType interface {
		ColumnTypeScanType(index int) reflect.Type
	}
	rowsColumnTypeDatabaseTypeName interface {
		ColumnTypeDatabaseTypeName(index int) string
	}
	rowsColumnTypeLength interface {
		ColumnTypeLength(index int) (length int64, ok bool)
	}
	rowsColumnTypeNullable interface {
		ColumnTypeNullable(index int) (nullable, ok bool)
	}
	rowsColumnTypePrecisionScale interface {
		ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool)
	}
)

// wrapRows returns rows that record e into rec when closed.
func wrapRows(ctx context.Context, raw driver.Rows, rec Recorder, e Event) driver.Rows {
	return newRows(raw, rows{raw: raw, ctx: ctx, rec: rec, ev: e})
}
