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
	rt     RowsTracker // rec's, when it tracks open rows
	token  int
}

func (r *rows) unwrapRows() driver.Rows { return r.raw }

func (r *rows) Columns() []string { return r.raw.Columns() }

func (r *rows) Next(dest []driver.Value) error {
	start := r.clock()
	err := r.raw.Next(dest)
	r.counted(start, err)
	return err
}

// clock returns the time since the query began. Fetches are timed with it
// rather than with time.Now: it reads only the monotonic clock, one clock
// read where time.Now makes two, and a query reads it twice per row.
func (r *rows) clock() time.Duration { return time.Since(r.ev.Start) }

func (r *rows) counted(start time.Duration, err error) {
	r.ev.Duration += r.clock() - start
	switch {
	case err == nil:
		r.ev.Rows++
	case err != io.EOF && r.ev.Err == nil:
		r.ev.Err = err
	}
}

func (r *rows) Close() error {
	start := r.clock()
	err := r.raw.Close()
	if r.closed {
		return err
	}
	r.closed = true
	r.ev.Duration += r.clock() - start
	if r.ev.Err == nil {
		r.ev.Err = err
	}
	if r.ev.Err == nil {
		// database/sql closes the rows from its own goroutine when the
		// query's context ends; the reason is the context's.
		r.ev.Err = r.ctx.Err()
	}
	if r.rt != nil && !r.rt.RowsClosed(r.token) {
		// The tracker has already recorded these rows as never closed.
		if t, ok := r.rec.(tee); ok {
			t.capture.Record(r.ev)
		}
		return err
	}
	r.rec.Record(r.ev)
	return err
}

// RowsTracker is an optional interface of a [Recorder] that wants to know
// of rows that are open, so that rows an app never closes are not lost: a
// query is otherwise recorded only when its rows are closed. The toolbar
// uses it to put rows still open when a request ends into the request's
// record, marked [Event.Unclosed].
type RowsTracker interface {
	// RowsOpened is called when a query has returned its rows, before
	// any is read, with the query's event as known then. It returns a
	// token for RowsClosed.
	RowsOpened(Event) (token int)
	// RowsClosed is called when those rows are closed, before their
	// event is recorded. It returns false when the recorder has already
	// recorded the query (as unclosed); the event is then not recorded
	// again.
	RowsClosed(token int) bool
}

// trackerOf returns rec's RowsTracker, if it has one.
func trackerOf(rec Recorder) RowsTracker {
	switch r := rec.(type) {
	case RowsTracker:
		return r
	case tee:
		return r.tracker()
	}
	return nil
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
	r := rows{raw: raw, ctx: ctx, rec: rec, ev: e, rt: trackerOf(rec)}
	if r.rt != nil {
		r.token = r.rt.RowsOpened(e)
	}
	return newRows(raw, r)
}
