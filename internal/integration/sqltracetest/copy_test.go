package sqltracetest_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/lib/pq"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// TestCopyInIsOneExec copies 1,500 rows with lib/pq's CopyIn, one Exec per
// row and a final flush: one exec event, not 1,500 (an N+1 alert and 500
// events over a request's cap).
func TestCopyInIsOneExec(t *testing.T) {
	if os.Getenv(postgresDSNEnv) == "" {
		t.Skipf("%s is not set; set it to a DSN to run the lib/pq COPY case", postgresDSNEnv)
	}
	var pqCase *driverCase
	for i := range driverCases {
		if driverCases[i].name == "pq" {
			pqCase = &driverCases[i]
		}
	}
	s := newSuiteDB(t, pqCase)
	const n = 1500

	ctx, got := sqltrace.Capture(t.Context())
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	//lint:ignore SA1019 deprecated for writing the SQL by hand, and still what apps call
	query := pq.CopyIn(s.table, "id", "name", "price")
	stmt, err := tx.Prepare(query)
	if err != nil {
		t.Fatal(err)
	}
	var at runtime.Frame
	for i := range n {
		at = lineBelow()
		if _, err := stmt.Exec(int64(100+i), "bulk", 0.5); err != nil {
			t.Fatal(err)
		}
	}
	res, err := stmt.Exec()
	if err != nil {
		t.Fatal(err)
	}
	if copied, err := res.RowsAffected(); err != nil || copied != n {
		t.Fatalf("the flush reports %d rows (%v), want %d", copied, err, n)
	}
	if err := stmt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	events := s.wantKinds(t, got, sqltrace.KindBegin, sqltrace.KindPrepare, sqltrace.KindExec, sqltrace.KindCommit)
	e := events[2]
	if e.SQL != query || e.Rows != n || e.Err != nil || len(e.Args) != 0 {
		t.Errorf("exec %q: Rows %d, Err %v, Args %v; want %q, %d rows, no error nor arguments", e.SQL, e.Rows, e.Err, e.Args, query, n)
	}
	if e.TxID == 0 || e.TxID != events[0].TxID || e.Duration <= 0 {
		t.Errorf("exec TxID %d (begin's %d), Duration %v; want the transaction's and > 0", e.TxID, events[0].TxID, e.Duration)
	}
	if c := e.Caller(); c.File != at.File || c.Line != at.Line {
		t.Errorf("Caller() = %s:%d, want the rows' Exec at %s:%d", c.File, c.Line, at.File, at.Line)
	}
	if got.Count() != 1 {
		t.Errorf("Count() = %d, want 1", got.Count())
	}

	var rows int
	if err := s.db.QueryRowContext(t.Context(), s.q("SELECT count(*) FROM {table} WHERE name = ?"), "bulk").Scan(&rows); err != nil || rows != n {
		t.Errorf("the table has %d copied rows (%v), want %d", rows, err, n)
	}
}
