package sqltrace_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// openFake opens the in-memory database of the given shape through the
// wrapper, and returns its connector too, for what the driver saw.
func openFake(t testing.TB, shape memdb.Shape, opts ...sqltrace.Option) (*sql.DB, *memdb.Connector) {
	t.Helper()
	c := &memdb.Connector{Shape: shape}
	db := sql.OpenDB(sqltrace.WrapConnector(c, opts...))
	t.Cleanup(func() { db.Close() })
	return db, c
}

// rawConn runs f with the wrapper's driver connection.
func rawConn(t *testing.T, db *sql.DB, f func(driver.Conn)) {
	t.Helper()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error { f(dc.(driver.Conn)); return nil }); err != nil {
		t.Fatal(err)
	}
}

var (
	exactConnIfaces = map[string]reflect.Type{
		"Pinger":          reflect.TypeFor[driver.Pinger](),
		"SessionResetter": reflect.TypeFor[driver.SessionResetter](),
		"Validator":       reflect.TypeFor[driver.Validator](),
	}
	exactStmtIfaces = map[string]reflect.Type{
		"ColumnConverter": reflect.TypeFor[driver.ColumnConverter](), //lint:ignore SA1019 database/sql still honours it
	}
	exactRowsIfaces = map[string]reflect.Type{
		"RowsNextResultSet":              reflect.TypeFor[driver.RowsNextResultSet](),
		"RowsColumnTypeScanType":         reflect.TypeFor[driver.RowsColumnTypeScanType](),
		"RowsColumnTypeDatabaseTypeName": reflect.TypeFor[driver.RowsColumnTypeDatabaseTypeName](),
		"RowsColumnTypeLength":           reflect.TypeFor[driver.RowsColumnTypeLength](),
		"RowsColumnTypeNullable":         reflect.TypeFor[driver.RowsColumnTypeNullable](),
		"RowsColumnTypePrecisionScale":   reflect.TypeFor[driver.RowsColumnTypePrecisionScale](),
	}
)

// sameInterfaces fails unless wrapped implements each of ifaces exactly when
// raw does.
func sameInterfaces(t *testing.T, what string, raw, wrapped any, ifaces map[string]reflect.Type) {
	t.Helper()
	for name, it := range ifaces {
		r, w := reflect.TypeOf(raw).Implements(it), reflect.TypeOf(wrapped).Implements(it)
		if r != w {
			t.Errorf("%s: driver implements %s: %v, wrapper: %v", what, name, r, w)
		}
	}
}

func TestWrapperClaimsExactlyTheDriversInterfaces(t *testing.T) {
	for _, shape := range []memdb.Shape{memdb.Min, memdb.Validator, memdb.MinRows, memdb.Full} {
		t.Run("a "+shape.String()+" driver", func(t *testing.T) {
			db, mem := openFake(t, shape)
			rawC, _ := mem.Connect(t.Context())
			rawC.(interface {
				Prepare(string) (driver.Stmt, error)
			}).Prepare("x")
			rawS, _ := rawC.Prepare("x")
			//lint:ignore SA1019 the deprecated form is what every driver has
			rawR, _ := rawS.Query(nil)
			rawStmtR := rawR
			qc, hasQueryer := rawC.(driver.QueryerContext)
			if hasQueryer {
				rawR, _ = qc.QueryContext(t.Context(), "x", nil)
			}
			rawConn(t, db, func(c driver.Conn) {
				sameInterfaces(t, "conn", rawC, c, exactConnIfaces)
				for _, it := range []reflect.Type{reflect.TypeFor[driver.ExecerContext](), reflect.TypeFor[driver.QueryerContext](), reflect.TypeFor[driver.NamedValueChecker]()} {
					if !reflect.TypeOf(c).Implements(it) {
						t.Errorf("conn does not claim %v, which it always answers (with driver.ErrSkip when the driver lacks it)", it)
					}
				}
				//lint:ignore SA1019 checking that the deprecated interfaces are not claimed
				deprecated := []reflect.Type{reflect.TypeFor[driver.Execer](), reflect.TypeFor[driver.Queryer]()}
				for _, it := range deprecated {
					if reflect.TypeOf(c).Implements(it) {
						t.Errorf("conn claims the deprecated %v", it)
					}
				}
				if reflect.TypeOf(sqltrace.Unwrap(c)) != reflect.TypeOf(rawC) {
					t.Errorf("Unwrap(conn) = %T, want %T", sqltrace.Unwrap(c), rawC)
				}
				s, err := c.Prepare("x")
				if err != nil {
					t.Fatal(err)
				}
				sameInterfaces(t, "stmt", rawS, s, exactStmtIfaces)
				if !hasQueryer {
					return // rows are wrapped only for a recorded query, which this shape cannot run with a context here
				}
				ctx, _ := sqltrace.Capture(t.Context())
				r, err := c.(driver.QueryerContext).QueryContext(ctx, "x", nil)
				if err != nil {
					t.Fatal(err)
				}
				sameInterfaces(t, "rows", rawR, r, exactRowsIfaces)
				if reflect.TypeOf(sqltrace.Unwrap(r)) != reflect.TypeOf(rawR) {
					t.Errorf("Unwrap(rows) = %T, want %T", sqltrace.Unwrap(r), rawR)
				}
				r.Close()
				// A connection whose queries and statements return rows of
				// two types (MinRows; MySQL's text and binary rows): each
				// is wrapped as its own, whichever came before.
				sr, err := s.(driver.StmtQueryContext).QueryContext(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				sameInterfaces(t, "a statement's rows after a query's", rawStmtR, sr, exactRowsIfaces)
				sr.Close()
				r, err = c.(driver.QueryerContext).QueryContext(ctx, "x", nil)
				if err != nil {
					t.Fatal(err)
				}
				sameInterfaces(t, "a query's rows after a statement's", rawR, r, exactRowsIfaces)
				r.Close()
			})
		})
	}
}

// driverContext is the in-memory driver with driver.DriverContext.
type driverContext struct{ c *memdb.Connector }

func (d driverContext) Open(name string) (driver.Conn, error) { return d.c.Driver().Open(name) }
func (d driverContext) OpenConnector(string) (driver.Connector, error) {
	return d.c, nil
}

// closingConnector is the in-memory connector with io.Closer.
type closingConnector struct {
	*memdb.Connector
	closed bool
}

func (c *closingConnector) Close() error { c.closed = true; return nil }

func TestDriverAndConnectorForwarding(t *testing.T) {
	t.Run("DriverContext is claimed exactly when the driver has it", func(t *testing.T) {
		if _, ok := sqltrace.Wrap((&memdb.Connector{Shape: memdb.Full}).Driver()).(driver.DriverContext); ok {
			t.Error("wrapper of a driver without DriverContext claims it")
		}
		w := sqltrace.Wrap(driverContext{&memdb.Connector{Shape: memdb.Full}})
		dc, ok := w.(driver.DriverContext)
		if !ok {
			t.Fatal("wrapper of a DriverContext does not claim it")
		}
		c, err := dc.OpenConnector("")
		if err != nil {
			t.Fatal(err)
		}
		if c.Driver() != w {
			t.Errorf("connector's Driver() = %T, want the wrapped driver", c.Driver())
		}
	})
	t.Run("the connector's Close is forwarded and db.Close calls it", func(t *testing.T) {
		fc := &closingConnector{Connector: &memdb.Connector{Shape: memdb.Full}}
		wc := sqltrace.WrapConnector(fc)
		if _, ok := wc.(io.Closer); !ok {
			t.Fatal("wrapped connector is not an io.Closer")
		}
		db := sqltrace.OpenDB(fc)
		db.Close()
		if !fc.closed {
			t.Error("db.Close did not close the connector")
		}
	})
	t.Run("the connector's Driver is the wrapped driver", func(t *testing.T) {
		c := &memdb.Connector{Shape: memdb.Full}
		d := c.Driver()
		db := sqltrace.OpenDB(c)
		defer db.Close()
		if db.Driver() == d {
			t.Fatal("db.Driver() is the unwrapped driver")
		}
		if sqltrace.Unwrap(db.Driver()) != d {
			t.Errorf("Unwrap(db.Driver()) = %v, want the driver", sqltrace.Unwrap(db.Driver()))
		}
	})
}

func kinds(events []sqltrace.Event) string {
	var s []string
	for _, e := range events {
		s = append(s, e.Kind.String())
	}
	return strings.Join(s, ",")
}

func TestErrSkip(t *testing.T) {
	t.Run("a query the driver answers with ErrSkip is one query event", func(t *testing.T) {
		db, mem := openFake(t, memdb.Skip)
		ctx, got := sqltrace.Capture(t.Context())
		var n int
		if err := db.QueryRowContext(ctx, "SELECT n FROM t WHERE id = ?", 7).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE t SET n = ?", 1); err != nil {
			t.Fatal(err)
		}
		ev := got.Events()
		if kinds(ev) != "query,exec" {
			t.Fatalf("events = %s, want query,exec", kinds(ev))
		}
		if mem.Prepares() != 2 {
			t.Errorf("driver prepared %d times, want 2 (database/sql's fallback)", mem.Prepares())
		}
		for _, e := range ev {
			if e.Err != nil || len(e.Args) != 1 {
				t.Errorf("%s event: err %v, args %v", e.Kind, e.Err, e.Args)
			}
		}
		if ev[0].Rows != 1 || ev[1].Rows != 2 {
			t.Errorf("rows = %d, %d; want 1 (read), 2 (affected)", ev[0].Rows, ev[1].Rows)
		}
	})
	t.Run("a statement whose fallback prepare fails is one failed event", func(t *testing.T) {
		db, _ := openFake(t, memdb.Skip)
		ctx, got := sqltrace.Capture(t.Context())
		if _, err := db.ExecContext(ctx, "UPDATE t SET SYNTAX ERROR = ?", 1); err == nil {
			t.Fatal("exec succeeded")
		}
		ev := got.Events()
		if kinds(ev) != "exec" || ev[0].Err == nil || len(ev[0].Args) != 1 || ev[0].Rows != -1 {
			t.Errorf("events = %+v, want one failed exec with its argument", ev)
		}
	})
	t.Run("an explicit prepare is still recorded", func(t *testing.T) {
		db, _ := openFake(t, memdb.Skip)
		ctx, got := sqltrace.Capture(t.Context())
		st, err := db.PrepareContext(ctx, "SELECT n FROM t WHERE id = ?")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.QueryRowContext(ctx, 1).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if kinds(got.Events()) != "prepare,query" {
			t.Errorf("events = %s, want prepare,query", kinds(got.Events()))
		}
	})
	t.Run("a driver with neither Queryer interface goes through prepare once", func(t *testing.T) {
		db, mem := openFake(t, memdb.Min)
		ctx, got := sqltrace.Capture(t.Context())
		rows, err := db.QueryContext(ctx, "SELECT n")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != memdb.RowsPerQuery || kinds(got.Events()) != "query" || got.Events()[0].Rows != memdb.RowsPerQuery {
			t.Errorf("read %d rows, events %s (%v)", n, kinds(got.Events()), got.Events())
		}
		if mem.Prepares() != 1 {
			t.Errorf("prepared %d times, want 1", mem.Prepares())
		}
	})
}

func TestErrBadConnStillMakesDatabaseSQLRetry(t *testing.T) {
	db, mem := openFake(t, memdb.Full)
	mem.FailNextExecs(1)
	ctx, got := sqltrace.Capture(t.Context())
	if _, err := db.ExecContext(ctx, "UPDATE t SET n = 1"); err != nil {
		t.Fatalf("exec failed; database/sql did not retry: %v", err)
	}
	ev := got.Events()
	if len(ev) != 2 || !errors.Is(ev[0].Err, driver.ErrBadConn) || ev[1].Err != nil {
		t.Errorf("events = %+v, want the bad attempt then the retry", ev)
	}
}

func TestCancelledQueriesAreRecordedWithTheirError(t *testing.T) {
	t.Run("cancelled before it runs", func(t *testing.T) {
		db, _ := openFake(t, memdb.Full)
		ctx, got := sqltrace.Capture(t.Context())
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := conn.QueryContext(cctx, "SELECT n"); err == nil {
			t.Fatal("query with a cancelled context succeeded")
		}
		ev := got.Events()
		if len(ev) > 0 && !errors.Is(ev[len(ev)-1].Err, context.Canceled) {
			t.Errorf("event error = %v, want context.Canceled", ev[len(ev)-1].Err)
		}
	})
	t.Run("cancelled while its rows are read: database/sql closes them from its own goroutine", func(t *testing.T) {
		db, _ := openFake(t, memdb.Full)
		ctx, got := sqltrace.Capture(t.Context())
		cctx, cancel := context.WithCancel(ctx)
		rows, err := db.QueryContext(cctx, "SELECT n")
		if err != nil {
			t.Fatal(err)
		}
		rows.Next()
		cancel()
		deadline := time.Now().Add(5 * time.Second)
		for got.Count() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		rows.Close()
		ev := got.Events()
		if len(ev) != 1 || !errors.Is(ev[0].Err, context.Canceled) || ev[0].Rows != 1 {
			t.Errorf("events = %+v, want one query with 1 row and context.Canceled", ev)
		}
	})
}

func TestStatementsRecordIntoTheContextOfEachExecution(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	st, err := db.PrepareContext(t.Context(), "SELECT n WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 2 {
		ctx, got := sqltrace.Capture(t.Context())
		rows, err := st.QueryContext(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if ev := got.Events(); kinds(ev) != "query" || ev[0].Args[0] != int64(i) {
			t.Errorf("execution %d recorded %+v", i, ev)
		}
	}
}

func TestTransactions(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	ctx, got := sqltrace.Capture(t.Context())
	for _, commit := range []bool{true, false} {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Without a context: attributed through the transaction's begin.
		if _, err := tx.Exec("UPDATE t SET n = n + 1"); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "UPDATE t SET n = 0"); err != nil {
		t.Fatal(err)
	}
	ev := got.Events()
	if kinds(ev) != "begin,exec,commit,begin,exec,rollback,exec" {
		t.Fatalf("events = %s", kinds(ev))
	}
	first, second := ev[0].TxID, ev[3].TxID
	if first == 0 || second == 0 || first == second {
		t.Errorf("transaction ids %d and %d, want two different non-zero ids", first, second)
	}
	for i, want := range []uint64{first, first, first, second, second, second, 0} {
		if ev[i].TxID != want {
			t.Errorf("event %d (%s) has TxID %d, want %d", i, ev[i].Kind, ev[i].TxID, want)
		}
	}
}

func TestArgumentsAreCapped(t *testing.T) {
	db, _ := openFake(t, memdb.Full, sqltrace.WithArgLimits(8, 20))
	ctx, got := sqltrace.Capture(t.Context())
	blob := make([]byte, 10<<20)
	if _, err := db.ExecContext(ctx, "INSERT", "short", strings.Repeat("é", 100), blob, sql.Named("n", 42), "dropped"); err != nil {
		t.Fatal(err)
	}
	e := got.Events()[0]
	want := []any{"short", "éééé", make([]byte, 7)}
	if !reflect.DeepEqual(e.Args, want) || !e.ArgsTruncated {
		t.Errorf("args = %q (truncated %v), want %q (truncated)", e.Args, e.ArgsTruncated, want)
	}
	blob[0] = 1
	if e.Args[2].([]byte)[0] != 0 {
		t.Error("the event shares the caller's byte slice")
	}

	db2, _ := openFake(t, memdb.Full)
	ctx2, got2 := sqltrace.Capture(t.Context())
	if _, err := db2.ExecContext(ctx2, "INSERT", sql.Named("n", int64(42)), []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if e := got2.Events()[0]; !reflect.DeepEqual(e.Args, []any{sql.Named("n", int64(42)), []int64{1, 2}}) || e.ArgsTruncated {
		t.Errorf("args = %#v, want a sql.NamedArg and the driver-checked slice", e.Args)
	}
}

func TestCallerIsTheLineOfAppCode(t *testing.T) {
	db, _ := openFake(t, memdb.Full)
	ctx, got := sqltrace.Capture(t.Context())
	_, file, line, _ := runtime.Caller(0)
	rows, err := db.QueryContext(ctx, "SELECT n") // line+1
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	e := got.Events()[0]
	f := e.Caller()
	if f.File != file || f.Line != line+1 || !strings.HasSuffix(f.Function, "TestCallerIsTheLineOfAppCode") {
		t.Errorf("caller = %s:%d %s, want %s:%d", f.File, f.Line, f.Function, file, line+1)
	}
	if st := e.Stack(); len(st) < 2 || st[0] != f {
		t.Errorf("stack does not start at the caller: %v", st)
	}
	t.Run("not captured with WithoutCallers", func(t *testing.T) {
		db, _ := openFake(t, memdb.Full, sqltrace.WithoutCallers())
		ctx, got := sqltrace.Capture(t.Context())
		if _, err := db.ExecContext(ctx, "UPDATE"); err != nil {
			t.Fatal(err)
		}
		if f := got.Events()[0].Caller(); f != (runtime.Frame{}) {
			t.Errorf("caller = %+v, want the zero Frame", f)
		}
	})
	t.Run("WithSkipPackages skips the app's own database helper", func(t *testing.T) {
		db, _ := openFake(t, memdb.Full, sqltrace.WithSkipPackages("github.com/debugtoolbar/debugtoolbar/sqltrace_test"))
		ctx, got := sqltrace.Capture(t.Context())
		if _, err := db.ExecContext(ctx, "UPDATE"); err != nil {
			t.Fatal(err)
		}
		// With this test package skipped, the caller is testing's runner.
		if f := got.Events()[0].Caller(); !strings.HasPrefix(f.Function, "testing.") {
			t.Errorf("caller = %s, want a function of package testing", f.Function)
		}
	})
}

func TestNoRecorderAllocatesNothingBeyondTheDriver(t *testing.T) {
	// A context that is never done: with one, database/sql starts a
	// goroutine per query, whose allocations vary with scheduling.
	ctx := context.Background()
	// AllocsPerRun counts every goroutine's allocations, and database/sql
	// and earlier tests leave some running: the least of a few runs is the
	// query's own figure.
	run := func(db *sql.DB) float64 {
		least := math.Inf(1)
		for range 5 {
			least = min(least, allocsPerQuery(t, ctx, db))
		}
		return least
	}
	raw := sql.OpenDB(&memdb.Connector{Shape: memdb.Full})
	defer raw.Close()
	wrapped, _ := openFake(t, memdb.Full)
	if r, w := run(raw), run(wrapped); w > r {
		t.Errorf("wrapper without a recorder: %v allocations per query and exec, raw driver: %v", w, r)
	}
}

func allocsPerQuery(t *testing.T, ctx context.Context, db *sql.DB) float64 {
	t.Helper()
	return testing.AllocsPerRun(200, func() {
		rows, err := db.QueryContext(ctx, "SELECT n", 1)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		if _, err := db.ExecContext(ctx, "UPDATE", 1); err != nil {
			t.Fatal(err)
		}
	})
}
