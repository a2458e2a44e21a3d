package sqltrace_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// everyKind runs one of each operation, the ways database/sql offers.
//
//go:noinline
func everyKind(t *testing.T, ctx context.Context, db *sql.DB) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.ExecContext(ctx, "UPDATE t SET n = ?", 1)
	must(err)
	rows, err := db.QueryContext(ctx, "SELECT n FROM t WHERE n > ?", 0)
	must(err)
	for rows.Next() {
	}
	must(rows.Close())
	var n int64
	must(db.QueryRowContext(ctx, "SELECT n FROM t").Scan(&n))

	tx, err := db.BeginTx(ctx, nil)
	must(err)
	_, err = tx.ExecContext(ctx, "INSERT INTO t VALUES (?)", 2)
	must(err)
	must(tx.QueryRowContext(ctx, "SELECT n FROM t").Scan(&n))
	must(tx.Commit())
	tx, err = db.BeginTx(ctx, nil)
	must(err)
	must(tx.Rollback())

	stmt, err := db.PrepareContext(ctx, "SELECT n FROM t WHERE n = ?")
	must(err)
	_, err = stmt.ExecContext(ctx, 1)
	must(err)
	rows, err = stmt.QueryContext(ctx, 1)
	must(err)
	must(rows.Close())
	must(stmt.Close())

	conn, err := db.Conn(ctx)
	must(err)
	_, err = conn.ExecContext(ctx, "DELETE FROM t WHERE n = ?", 2)
	must(err)
	must(conn.Close())
}

func TestCallersThroughDatabaseSQLMatchRuntimeCallers(t *testing.T) {
	for _, shape := range []memdb.Shape{memdb.Full, memdb.Min, memdb.Skip, memdb.MinRows} {
		t.Run("driver shape "+shape.String(), func(t *testing.T) {
			rec, events := sqltrace.CallersProbe(t)
			db, _ := openFake(t, shape)
			ctx := sqltrace.WithRecorder(t.Context(), rec)
			var runs [][]sqltrace.Event
			for range 3 {
				before := len(events())
				everyKind(t, ctx, db)
				// And without the recorder in the context, on a followed
				// goroutine.
				_, stop := sqltrace.Follow(t.Context(), "callers-"+shape.String(), rec)
				if _, err := db.Exec("UPDATE t SET n = ?", 3); err != nil {
					t.Fatal(err)
				}
				stop()
				runs = append(runs, events()[before:])
			}
			// The first run met the stacks; the next ones share their PCs.
			second, third := runs[1], runs[2]
			if len(second) == 0 || len(second) != len(third) {
				t.Fatalf("runs recorded %d and %d events", len(second), len(third))
			}
			for i := range second {
				a, b := second[i], third[i]
				if f := a.Caller(); !strings.Contains(f.Function, "sqltrace_test.") {
					t.Errorf("%s %q: caller %s, want this test's code", a.Kind, a.SQL, f.Function)
				}
				if a.Callers() == (sqltrace.Callers{}) || sqltrace.WalksFramePointers && a.Callers() != b.Callers() {
					t.Errorf("%s %q: two runs of one line do not share their PCs", a.Kind, a.SQL)
				}
			}
		})
	}
}
