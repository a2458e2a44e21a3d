package sqltrace

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"testing"
)

// countRows returns n rows, then io.EOF.
type countRows struct{ n, closes int }

func (*countRows) Columns() []string { return []string{"n"} }
func (r *countRows) Close() error    { r.closes++; return nil }
func (r *countRows) Next([]driver.Value) error {
	if r.n == 0 {
		return io.EOF
	}
	r.n--
	return nil
}

// The rows' state is pooled; a wrapper closed twice, or used after Close,
// must neither record twice nor reach the rows of the query that reuses
// its state.
func TestRowsHandleAfterClose(t *testing.T) {
	_, got := Capture(context.Background())
	first := &countRows{n: 2}
	a := wrapRows(context.Background(), first, rowsKind(first), got, Event{Kind: KindQuery, SQL: "SELECT 1"})
	drain(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if first.closes != 1 {
		t.Errorf("the driver's rows were closed %d times, want 1", first.closes)
	}

	second := &countRows{n: 3}
	b := wrapRows(context.Background(), second, rowsKind(second), got, Event{Kind: KindQuery, SQL: "SELECT 2"})
	if err := a.Next(make([]driver.Value, 1)); !errors.Is(err, errRowsClosed) {
		t.Errorf("Next after Close = %v, want %v", err, errRowsClosed)
	}
	if cols := a.Columns(); cols != nil {
		t.Errorf("Columns after Close = %v, want nil", cols)
	}
	if raw := Unwrap(a); raw != nil {
		t.Errorf("Unwrap after Close = %v, want nil", raw)
	}
	a.Close()
	if second.closes != 0 || second.n != 3 {
		t.Errorf("the closed handle reached the next query's rows: %d closes, %d rows left", second.closes, second.n)
	}
	drain(t, b)
	b.Close()

	ev := got.Events()
	if len(ev) != 2 || ev[0].SQL != "SELECT 1" || ev[0].Rows != 2 || ev[1].SQL != "SELECT 2" || ev[1].Rows != 3 {
		t.Errorf("recorded %+v, want SELECT 1 with 2 rows and SELECT 2 with 3", ev)
	}
}

func drain(t *testing.T, r driver.Rows) {
	t.Helper()
	dest := make([]driver.Value, 1)
	for {
		if err := r.Next(dest); err == io.EOF {
			return
		} else if err != nil {
			t.Fatal(err)
		}
	}
}
