//go:generate go run gen_combos.go

package sqltrace

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

// rows wraps a driver's rows while a query is recorded: it counts the rows
// the caller reads, adds the time spent fetching them, and records the event
// when closed. database/sql never runs Next and Close at once (Rows.closemu),
// even when it closes the rows from its own goroutine after the context is
// cancelled, so the state needs no lock.
//
// The state is pooled: a recorded query would otherwise allocate it (a
// quarter of a kilobyte, an Event inside) only for it to die at Close. rows
// is a handle to it, and a handle whose state has been closed and reused
// by another query (a wrapper above database/sql closing twice, say) finds
// the generation changed and touches nothing.
type rows struct {
	s   *rowsState
	gen uint64
}

type rowsState struct {
	gen atomic.Uint64 // bumped when the state goes back to the pool
	rowsData
}

type rowsData struct {
	raw   driver.Rows
	ctx   context.Context
	rec   Recorder
	ev    Event
	rt    RowsTracker // rec's, when it tracks open rows
	token int
}

var rowsStates = sync.Pool{New: func() any { return new(rowsState) }}

// errRowsClosed is what a handle to closed rows returns.
var errRowsClosed = errors.New("sqltrace: rows are closed")

// live returns the state r refers to, or nil once the rows are closed.
func (r rows) live() *rowsState {
	if r.s.gen.Load() != r.gen {
		return nil
	}
	return r.s
}

func (r rows) unwrapRows() driver.Rows {
	if s := r.live(); s != nil {
		return s.raw
	}
	return nil
}

func (r rows) Columns() []string {
	if s := r.live(); s != nil {
		return s.raw.Columns()
	}
	return nil
}

func (r rows) Next(dest []driver.Value) error {
	s := r.live()
	if s == nil {
		return errRowsClosed
	}
	start := s.clock()
	err := s.raw.Next(dest)
	s.counted(start, err)
	return err
}

// clock returns the time since the query began. Fetches are timed with it
// rather than with time.Now: it reads only the monotonic clock, one clock
// read where time.Now makes two, and a query reads it twice per row.
func (s *rowsState) clock() time.Duration { return time.Since(s.ev.Start) }

func (s *rowsState) counted(start time.Duration, err error) {
	s.ev.Duration += s.clock() - start
	switch {
	case err == nil:
		s.ev.Rows++
	case err != io.EOF && s.ev.Err == nil:
		s.ev.Err = err
	}
}

func (r rows) Close() error {
	s := r.live()
	if s == nil {
		return nil // closed already, as database/sql's Rows.Close allows
	}
	start := s.clock()
	err := s.raw.Close()
	s.ev.Duration += s.clock() - start
	if s.ev.Err == nil {
		s.ev.Err = err
	}
	if s.ev.Err == nil {
		// database/sql closes the rows from its own goroutine when the
		// query's context ends; the reason is the context's.
		s.ev.Err = s.ctx.Err()
	}
	switch {
	case s.rt != nil && !s.rt.RowsClosed(s.token):
		// The tracker has already recorded these rows as never closed.
		if t, ok := s.rec.(tee); ok {
			t.capture.Record(s.ev)
		}
	default:
		s.rec.Record(s.ev)
	}
	s.rowsData = rowsData{} // keeps nothing of the app's alive while pooled
	s.gen.Add(1)
	rowsStates.Put(s)
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

// wrapRows returns rows that record e into rec when closed; kind is
// rowsKind(raw).
func wrapRows(ctx context.Context, raw driver.Rows, kind uint, rec Recorder, e Event) driver.Rows {
	s := rowsStates.Get().(*rowsState)
	s.rowsData = rowsData{raw: raw, ctx: ctx, rec: rec, ev: e, rt: trackerOf(rec)}
	if s.rt != nil {
		s.token = s.rt.RowsOpened(e)
	}
	return newRowsCombos[kind](raw, rows{s: s, gen: s.gen.Load()})
}
