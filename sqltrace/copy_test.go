package sqltrace_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// copyConnector is the in-memory driver with lib/pq's COPY: preparing a
// COPY ... FROM STDIN gives a statement that takes one row per Exec and
// ends with an Exec without arguments.
type copyConnector struct{ *memdb.Connector }

func (c copyConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return copyConn{conn.(*memdb.FullConn)}, nil
}

type copyConn struct{ *memdb.FullConn }

func (c copyConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if strings.Contains(strings.ToUpper(q), "FROM STDIN") {
		return &copyStmt{}, nil
	}
	return c.FullConn.PrepareContext(ctx, q)
}

// copyStmt has only Exec, as lib/pq's has. A row whose first value is
// "bad" fails, and, as lib/pq reports errors late, so does every later
// execution and the Close. The flush takes copyFlushTime.
type copyStmt struct {
	rows int64
	err  error
}

const copyFlushTime = 2 * time.Millisecond

func (s *copyStmt) Close() error { return s.err }
func (*copyStmt) NumInput() int  { return -1 }
func (*copyStmt) Query([]driver.Value) (driver.Rows, error) {
	return nil, errors.New("COPY has no rows")
}

func (s *copyStmt) Exec(v []driver.Value) (driver.Result, error) {
	if s.err != nil {
		return nil, s.err
	}
	if len(v) == 0 {
		time.Sleep(copyFlushTime)
		return driver.RowsAffected(s.rows), nil
	}
	if v[0] == "bad" {
		s.err = errors.New("pq: invalid input syntax")
		return nil, s.err
	}
	s.rows++
	return driver.RowsAffected(0), nil
}

func openCopy(t *testing.T) *sql.DB {
	t.Helper()
	db := sql.OpenDB(sqltrace.WrapConnector(copyConnector{&memdb.Connector{Shape: memdb.Full}}))
	t.Cleanup(func() { db.Close() })
	return db
}

const copySQL = `COPY "items" ("id", "name") FROM STDIN`

// copyRows prepares query in tx and sends n rows from the line it
// returns; bad, when not negative, is the row that fails.
func copyRows(t *testing.T, tx *sql.Tx, query string, n, bad int) (*sql.Stmt, int, error) {
	t.Helper()
	st, err := tx.Prepare(query)
	if err != nil {
		t.Fatal(err)
	}
	var line int
	var first error
	for i := range n {
		name := "row"
		if i == bad {
			name = "bad"
		}
		_, _, line, _ = runtime.Caller(0)
		_, err := st.Exec(name, int64(i)) // line+1
		if err != nil && first == nil {
			first = err
		}
	}
	return st, line + 1, first
}

func TestCopyIsOneExec(t *testing.T) {
	t.Run("rows sent one per Exec and flushed are one exec of the rows copied", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, line, err := copyRows(t, tx, copySQL, 1500, -1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.Exec()
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1500 {
			t.Fatalf("the flush reports %d rows, want 1500", n)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		ev := got.Events()
		if kinds(ev) != "begin,prepare,exec,commit" || got.Count() != 1 {
			t.Fatalf("events = %s (%d counted), want begin,prepare,exec,commit (1 counted)", kinds(ev), got.Count())
		}
		e := ev[2]
		if e.SQL != copySQL || e.Rows != 1500 || e.Err != nil || e.Args != nil || e.TxID != ev[0].TxID || e.ConnID == 0 {
			t.Errorf("exec = %q, %d rows, err %v, args %v, tx %d; want the COPY, 1500 rows, no error nor args, tx %d",
				e.SQL, e.Rows, e.Err, e.Args, e.TxID, ev[0].TxID)
		}
		if e.Duration < copyFlushTime {
			t.Errorf("Duration = %v, want at least the flush's %v", e.Duration, copyFlushTime)
		}
		if f := e.Caller(); !strings.HasSuffix(f.File, "copy_test.go") || f.Line != line {
			t.Errorf("caller = %s:%d, want the first row's Exec at line %d", f.File, f.Line, line)
		}
	})

	t.Run("its duration is the time in the driver, not the app's between rows", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		st, err := tx.Prepare(copySQL)
		if err != nil {
			t.Fatal(err)
		}
		const pause = 20 * time.Millisecond
		began := time.Now()
		for i := range 3 {
			if _, err := st.Exec("row", int64(i)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause)
		}
		if _, err := st.Exec(); err != nil {
			t.Fatal(err)
		}
		wall := time.Since(began)
		e := got.Events()[2]
		if e.Duration > wall-3*pause+pause/2 || e.Duration < copyFlushTime {
			t.Errorf("Duration = %v of %v, want about the flush's %v, without the app's 3×%v", e.Duration, wall, copyFlushTime, pause)
		}
		if !e.Start.Before(began.Add(pause)) {
			t.Errorf("Start = %v, want the first row's, about %v", e.Start, began)
		}
	})

	t.Run("a COPY never flushed is recorded when its statement is closed", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := copyRows(t, tx, copySQL, 40, -1)
		if err != nil {
			t.Fatal(err)
		}
		if kinds(got.Events()) != "begin,prepare" {
			t.Fatalf("events before Close = %s, want begin,prepare", kinds(got.Events()))
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		ev := got.Events()
		if kinds(ev) != "begin,prepare,exec,commit" || ev[2].Rows != 40 || ev[2].Err != nil {
			t.Errorf("events = %s, exec rows %d err %v; want one exec of the 40 rows sent", kinds(ev), ev[2].Rows, ev[2].Err)
		}
	})

	t.Run("a commit closes a statement the app left open, and records it", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := copyRows(t, tx, copySQL, 5, -1); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range got.Events() {
			if e.Kind == sqltrace.KindExec {
				n++
				if e.Rows != 5 {
					t.Errorf("exec Rows = %d, want 5", e.Rows)
				}
			}
		}
		if n != 1 {
			t.Errorf("events = %s, want one exec", kinds(got.Events()))
		}
	})

	t.Run("a failing row makes one exec with the first error", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		st, _, first := copyRows(t, tx, copySQL, 10, 4)
		if first == nil {
			t.Fatal("no row failed")
		}
		if _, err := st.Exec(); err == nil {
			t.Fatal("the flush after a failed row succeeded")
		}
		ev := got.Events()
		if kinds(ev) != "begin,prepare,exec" || ev[2].Err == nil || ev[2].Err.Error() != first.Error() || ev[2].Rows != -1 {
			t.Errorf("events = %s (exec err %v, rows %d), want one exec with %q and Rows -1", kinds(ev), ev[2].Err, ev[2].Rows, first)
		}
	})

	t.Run("nothing is recorded without a recorder", func(t *testing.T) {
		db := openCopy(t)
		_, got := sqltrace.Capture(t.Context()) // not the transaction's context
		tx, err := db.BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := copyRows(t, tx, copySQL, 3, -1)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := st.Exec(); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 3 {
			t.Errorf("flush reports %d rows, want 3", n)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if ev := got.Events(); len(ev) != 0 {
			t.Errorf("recorded %s without a recorder", kinds(ev))
		}
	})

	t.Run("other prepared statements still record each execution", func(t *testing.T) {
		db := openCopy(t)
		ctx, got := sqltrace.Capture(t.Context())
		st, err := db.PrepareContext(ctx, "INSERT INTO items (id, note) VALUES (?, 'FROM STDIN')")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for i := range 3 {
			if _, err := st.ExecContext(ctx, i); err != nil {
				t.Fatal(err)
			}
		}
		if kinds(got.Events()) != "prepare,exec,exec,exec" {
			t.Errorf("events = %s, want prepare and three execs", kinds(got.Events()))
		}
	})
}
