package sqltracetest_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// The conformance suite runs one set of checks through every driver and
// connector sqltrace is meant to wrap: each driver case only describes its
// dialect. SQLite always runs; PostgreSQL and MariaDB/MySQL run when their
// DSN variable is set, for example
//
//	DEBUGTOOLBAR_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	DEBUGTOOLBAR_MYSQL_DSN='root@tcp(127.0.0.1:3306)/test?parseTime=true'
//
// Those databases may be shared with other test packages running at the
// same time, so every check works on its own table and drops it.
//
// driver.ErrBadConn keeps its meaning through the wrapper, but a real
// database cannot be made to answer it on cue: a fake driver tests that.

const (
	postgresDSNEnv = "DEBUGTOOLBAR_POSTGRES_DSN"
	mysqlDSNEnv    = "DEBUGTOOLBAR_MYSQL_DSN"
)

// A driverCase is one way of reaching a database through sqltrace, and the
// dialect the suite's SQL is phrased in for it.
type driverCase struct {
	name string
	// envVar names the variable that holds the DSN; empty for SQLite, which
	// runs on a file in the test's temporary directory.
	envVar string
	// driverName is the database/sql driver name, which is also the one
	// sqlx picks its bind type from.
	driverName string
	// connector, when set, makes the database with sqltrace.OpenDB (and the
	// raw one with sql.OpenDB) instead of Open.
	connector func(dsn string) (driver.Connector, error)
	// timestamp is the column type of a timestamp without time zone.
	timestamp string
	// rawConn is the type of the driver's own connection, as %T prints it.
	rawConn string
	// cancelledKeepsCause reports that the driver's error for a query whose
	// context was cancelled before it ran wraps context.Canceled; pgx and
	// lib/pq answer driver.ErrBadConn (nothing was sent, so it is safe to
	// retry).
	cancelledKeepsCause bool
	// extra are the checks only this driver has.
	extra []suiteCheck
}

// A suiteCheck is one check of the suite, run on a fresh database and table.
type suiteCheck struct {
	name string
	run  func(t *testing.T, s *suiteDB)
}

var driverCases = []driverCase{
	{
		name:                "sqlite",
		driverName:          "sqlite",
		timestamp:           "TIMESTAMP",
		rawConn:             "*sqlite.conn",
		cancelledKeepsCause: true,
	},
	{
		name:       "pgx",
		envVar:     postgresDSNEnv,
		driverName: "pgx",
		timestamp:  "TIMESTAMP",
		rawConn:    "*stdlib.Conn",
		extra:      pgxChecks,
	},
	{
		name:       "pgx connector",
		envVar:     postgresDSNEnv,
		driverName: "pgx",
		connector:  pgxConnector,
		timestamp:  "TIMESTAMP",
		rawConn:    "*stdlib.Conn",
		extra:      pgxChecks,
	},
	{
		name:       "pq",
		envVar:     postgresDSNEnv,
		driverName: "postgres",
		timestamp:  "TIMESTAMP",
		rawConn:    "*pq.conn",
		extra: []suiteCheck{
			{"pq.Array binds to a Postgres array", checkArrayArg(pq.Array([]int64{1, 3}))},
		},
	},
	{
		name:                "mysql",
		envVar:              mysqlDSNEnv,
		driverName:          "mysql",
		timestamp:           "DATETIME",
		rawConn:             "*mysql.mysqlConn",
		cancelledKeepsCause: true,
	},
	{
		name:                "mysql connector",
		envVar:              mysqlDSNEnv,
		driverName:          "mysql",
		connector:           mysqlConnector,
		timestamp:           "DATETIME",
		rawConn:             "*mysql.mysqlConn",
		cancelledKeepsCause: true,
	},
}

var pgxChecks = []suiteCheck{
	{"a Go slice binds to a Postgres array", checkArrayArg([]int64{1, 3})},
	{"Unwrap gives the pgx connection for native queries", checkPgxNative},
}

func pgxConnector(dsn string) (driver.Connector, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.GetConnector(*cfg), nil
}

func mysqlConnector(dsn string) (driver.Connector, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return mysql.NewConnector(cfg)
}

var suiteChecks = []suiteCheck{
	{"a query with arguments is one event", checkQuery},
	{"rows are counted as read and recorded on close", checkRowsCountedOnClose},
	{"an exec records the rows it affected", checkExec},
	{"a failing statement with arguments is one event with its error", checkFailing},
	{"QueryRow records one row or none", checkQueryRow},
	{"a prepared statement records into each execution's context", checkPrepared},
	{"a transaction shares one id from begin to commit", checkTx},
	{"a cancelled context is recorded as an error", checkCancel},
	{"goroutines sharing a capture are all counted", checkGoroutines},
	{"nothing is recorded without a recorder", checkNoRecorder},
	{"column types are the driver's own", checkColumnTypes},
	{"sqlx works through the wrapper", checkSqlx},
	{"Unwrap gives the driver's connection", checkUnwrap},
	{"Databases lists the database", checkDatabases},
}

func TestConformance(t *testing.T) {
	for _, d := range driverCases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			if d.envVar != "" && os.Getenv(d.envVar) == "" {
				t.Skipf("%s is not set; set it to a DSN to run the %s cases", d.envVar, d.name)
			}
			for _, c := range slices.Concat(suiteChecks, d.extra) {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, newSuiteDB(t, &d))
				})
			}
		})
	}
}

// suiteDB is what one check runs on: a fresh pool opened through sqltrace
// and a table of three items, dropped when the test ends. The suite's
// helpers are its methods, out of the way of the package's other tests.
type suiteDB struct {
	*driverCase
	dsn   string
	db    *sql.DB
	table string
}

// suiteItems are the rows of every check's table; the third has NULLs.
var suiteItems = []struct {
	id      int64
	name    string
	price   float64
	created any
}{
	{1, "apple", 1.5, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	{2, "banana", 0.25, time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)},
	{3, "cherry", 12, nil},
}

func newSuiteDB(t *testing.T, d *driverCase) *suiteDB {
	t.Helper()
	s := &suiteDB{driverCase: d, dsn: d.dsn(t)}
	s.db = d.open(t, s.dsn)
	s.table = fmt.Sprintf("sqltrace_conformance_%08x", rand.Uint32())

	// Without a recorder in the context, none of this is recorded. The
	// test's context is cancelled before cleanups run, so they use their own.
	ctx := context.Background()
	s.mustExec(t, ctx, "CREATE TABLE {table} (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, price NUMERIC(10, 2) NOT NULL, created_at "+d.timestamp+" NULL, note TEXT NULL)")
	t.Cleanup(func() { s.mustExec(t, ctx, "DROP TABLE IF EXISTS {table}") })
	for _, it := range suiteItems {
		s.mustExec(t, ctx, "INSERT INTO {table} (id, name, price, created_at) VALUES (?, ?, ?, ?)", it.id, it.name, it.price, it.created)
	}
	return s
}

func (d *driverCase) dsn(t *testing.T) string {
	if d.envVar == "" {
		return "file:" + filepath.Join(t.TempDir(), "test.db") + "?_pragma=busy_timeout(10000)"
	}
	return os.Getenv(d.envVar)
}

// open opens dsn through sqltrace, closing it when the test ends.
func (d *driverCase) open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	if d.connector != nil {
		db = sqltrace.OpenDB(d.mustConnector(t, dsn))
	} else {
		var err error
		if db, err = sqltrace.Open(d.driverName, dsn); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openRaw opens dsn the same way as open, but without sqltrace.
func (d *driverCase) openRaw(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	if d.connector != nil {
		db = sql.OpenDB(d.mustConnector(t, dsn))
	} else {
		var err error
		if db, err = sql.Open(d.driverName, dsn); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (d *driverCase) mustConnector(t *testing.T, dsn string) driver.Connector {
	t.Helper()
	c, err := d.connector(dsn)
	if err != nil {
		t.Fatalf("%s connector: %v", d.name, err)
	}
	return c
}

// withTable puts the check's table where query says {table}.
func (s *suiteDB) withTable(query string) string {
	return strings.ReplaceAll(query, "{table}", s.table)
}

// q phrases query for the driver: {table} becomes the check's table and
// the ? placeholders become the driver's own.
func (s *suiteDB) q(query string) string {
	return sqlx.Rebind(sqlx.BindType(s.driverName), s.withTable(query))
}

func (s *suiteDB) mustExec(t *testing.T, ctx context.Context, query string, args ...any) {
	t.Helper()
	query = s.q(query)
	if _, err := s.db.ExecContext(ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// drain reads rows to the end, closes them and returns how many there were.
func (s *suiteDB) drain(t *testing.T, rows *sql.Rows, err error) int {
	t.Helper()
	return len(s.ids(t, rows, err))
}

// ids reads the first column of every row as an int64 and closes rows.
func (s *suiteDB) ids(t *testing.T, rows *sql.Rows, err error) []int64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		dest := make([]any, len(cols))
		dest[0] = &id
		for i := 1; i < len(dest); i++ {
			dest[i] = new(any)
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// one returns the only event recorded into got, failing unless there is
// exactly one and it is of kind k.
func (s *suiteDB) one(t *testing.T, got *sqltrace.Captured, k sqltrace.Kind) sqltrace.Event {
	t.Helper()
	events := got.Events()
	if len(events) != 1 || events[0].Kind != k {
		t.Fatalf("recorded %s, want one %s", s.describe(events), k)
	}
	return events[0]
}

// wantKinds fails unless got recorded events of exactly the kinds want, in
// that order, and returns them.
func (s *suiteDB) wantKinds(t *testing.T, got *sqltrace.Captured, want ...sqltrace.Kind) []sqltrace.Event {
	t.Helper()
	events := got.Events()
	kinds := make([]sqltrace.Kind, len(events))
	for i, e := range events {
		kinds[i] = e.Kind
	}
	if !slices.Equal(kinds, want) {
		t.Fatalf("recorded %s, want kinds %v", s.describe(events), want)
	}
	return events
}

func (s *suiteDB) describe(events []sqltrace.Event) string {
	if len(events) == 0 {
		return "nothing"
	}
	var b strings.Builder
	for i, e := range events {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Kind.String())
		if e.SQL != "" {
			fmt.Fprintf(&b, " %q", e.SQL)
		}
		if e.Err != nil {
			fmt.Fprintf(&b, " (error %v)", e.Err)
		}
	}
	return b.String()
}

// lineBelow returns the frame of the line after its call: the checks put it
// just above the database call whose recorded caller they check.
func lineBelow() runtime.Frame {
	pc := make([]uintptr, 1)
	runtime.Callers(2, pc)
	f, _ := runtime.CallersFrames(pc).Next()
	f.Line++
	return f
}

// wantCaller fails unless e's caller is the line at.
func (s *suiteDB) wantCaller(t *testing.T, e sqltrace.Event, at runtime.Frame) {
	t.Helper()
	c := e.Caller()
	if c.Function != at.Function || c.File != at.File || c.Line != at.Line || !strings.HasSuffix(c.File, "conformance_test.go") {
		t.Errorf("%s %q: Caller() = %s (%s:%d), want %s (%s:%d)",
			e.Kind, e.SQL, c.Function, filepath.Base(c.File), c.Line, at.Function, filepath.Base(at.File), at.Line)
	}
}

func checkQuery(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	query := s.q("SELECT id, name FROM {table} WHERE id >= ? ORDER BY id")
	at := lineBelow()
	rows, err := s.db.QueryContext(ctx, query, int64(2))
	if n := s.drain(t, rows, err); n != 2 {
		t.Fatalf("query returned %d rows, want 2", n)
	}

	e := s.one(t, got, sqltrace.KindQuery)
	if e.SQL != query {
		t.Errorf("SQL = %q, want %q", e.SQL, query)
	}
	if want := []any{int64(2)}; !reflect.DeepEqual(e.Args, want) {
		t.Errorf("Args = %#v, want %#v", e.Args, want)
	}
	if e.Rows != 2 {
		t.Errorf("Rows = %d, want 2", e.Rows)
	}
	if e.Err != nil {
		t.Errorf("Err = %v, want nil", e.Err)
	}
	if e.Duration <= 0 {
		t.Errorf("Duration = %v, want > 0", e.Duration)
	}
	if e.ConnID == 0 {
		t.Error("ConnID = 0, want the connection's id")
	}
	if e.TxID != 0 {
		t.Errorf("TxID = %d outside a transaction, want 0", e.TxID)
	}
	s.wantCaller(t, e, at)
}

func checkRowsCountedOnClose(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	rows, err := s.db.QueryContext(ctx, s.q("SELECT id FROM {table} ORDER BY id"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no first row: %v", rows.Err())
	}
	if events := got.Events(); len(events) != 0 {
		t.Errorf("recorded %s before the rows were closed, want nothing yet", s.describe(events))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if e := s.one(t, got, sqltrace.KindQuery); e.Rows != 1 {
		t.Errorf("Rows = %d after reading one of three rows, want 1", e.Rows)
	}
}

func checkExec(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	query := s.q("UPDATE {table} SET note = ? WHERE id <= ?")
	at := lineBelow()
	res, err := s.db.ExecContext(ctx, query, "noted", int64(2))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 2 {
		t.Fatalf("RowsAffected() = %d, %v; want 2", n, err)
	}

	e := s.one(t, got, sqltrace.KindExec)
	if e.SQL != query {
		t.Errorf("SQL = %q, want %q", e.SQL, query)
	}
	if want := []any{"noted", int64(2)}; !reflect.DeepEqual(e.Args, want) {
		t.Errorf("Args = %#v, want %#v", e.Args, want)
	}
	if e.Rows != 2 {
		t.Errorf("Rows = %d, want the 2 rows affected", e.Rows)
	}
	if e.Err != nil || e.ConnID == 0 || e.TxID != 0 {
		t.Errorf("Err, ConnID, TxID = %v, %d, %d; want nil, non-zero, 0", e.Err, e.ConnID, e.TxID)
	}
	s.wantCaller(t, e, at)
}

func checkFailing(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	// A column that does not exist: the server refuses it when preparing,
	// which MySQL's driver does after answering driver.ErrSkip.
	query := s.q("UPDATE {table} SET no_such_column = ? WHERE id = ?")
	if _, err := s.db.ExecContext(ctx, query, "x", int64(1)); err == nil {
		t.Fatal("the exec succeeded")
	}
	e := s.one(t, got, sqltrace.KindExec)
	if e.SQL != query || e.Err == nil || len(e.Args) != 2 {
		t.Errorf("event = %+v, want the failed exec with its error and arguments", e)
	}
}

func checkQueryRow(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	query := s.q("SELECT name FROM {table} WHERE id = ?")
	var name string
	at := lineBelow()
	if err := s.db.QueryRowContext(ctx, query, int64(1)).Scan(&name); err != nil {
		t.Fatal(err)
	}
	e := s.one(t, got, sqltrace.KindQuery)
	if e.Rows != 1 || e.Err != nil {
		t.Errorf("Rows, Err = %d, %v; want 1, nil", e.Rows, e.Err)
	}
	s.wantCaller(t, e, at)

	got.Reset()
	if err := s.db.QueryRowContext(ctx, query, int64(99)).Scan(&name); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("Scan of a missing row: %v, want sql.ErrNoRows", err)
	}
	if e := s.one(t, got, sqltrace.KindQuery); e.Rows != 0 || e.Err != nil {
		t.Errorf("no rows: Rows, Err = %d, %v; want 0, nil", e.Rows, e.Err)
	}
}

func checkPrepared(t *testing.T, s *suiteDB) {
	// On one connection, database/sql never prepares the statement again
	// inside an execution's context.
	s.db.SetMaxOpenConns(1)
	query := s.q("SELECT id FROM {table} WHERE id = ?")
	for _, tc := range []struct {
		name        string
		withCapture bool
	}{
		{"prepared without a recorder", false},
		{"prepared with another capture", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prepareCtx, prepared := sqltrace.Capture(t.Context())
			want := []sqltrace.Kind{sqltrace.KindPrepare}
			if !tc.withCapture {
				prepareCtx, want = context.Background(), nil
			}
			stmt, err := s.db.PrepareContext(prepareCtx, query)
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()

			for _, id := range []int64{1, 2} {
				ctx, got := sqltrace.Capture(t.Context())
				rows, err := stmt.QueryContext(ctx, id)
				if ids := s.ids(t, rows, err); !slices.Equal(ids, []int64{id}) {
					t.Fatalf("statement returned %v, want [%d]", ids, id)
				}
				e := s.one(t, got, sqltrace.KindQuery)
				if e.SQL != query || e.Rows != 1 || !reflect.DeepEqual(e.Args, []any{id}) {
					t.Errorf("execution recorded %q %v with %d rows, want %q [%d] with 1", e.SQL, e.Args, e.Rows, query, id)
				}
			}
			events := s.wantKinds(t, prepared, want...)
			if len(events) > 0 && events[0].SQL != query {
				t.Errorf("prepare recorded %q, want %q", events[0].SQL, query)
			}
		})
	}
}

func checkTx(t *testing.T, s *suiteDB) {
	ctx, got := sqltrace.Capture(t.Context())
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, s.q("UPDATE {table} SET note = ? WHERE id = ?"), "in tx", int64(1)); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.QueryContext(ctx, s.q("SELECT id FROM {table} WHERE id <= ?"), int64(2))
	s.drain(t, rows, err)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	events := s.wantKinds(t, got, sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindCommit)
	first := events[0].TxID
	if first == 0 {
		t.Fatal("begin has TxID 0, want the transaction's id")
	}
	for _, e := range events {
		if e.TxID != first {
			t.Errorf("%s has TxID %d, want the begin's %d", e.Kind, e.TxID, first)
		}
	}

	t.Run("a second transaction has another id and may roll back", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		events := s.wantKinds(t, got, sqltrace.KindBegin, sqltrace.KindRollback)
		if id := events[0].TxID; id == 0 || id == first || events[1].TxID != id {
			t.Errorf("TxIDs %d, %d; want one non-zero id other than the first transaction's %d", id, events[1].TxID, first)
		}
	})

	t.Run("Exec without a context records into the transaction's", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		at := lineBelow()
		if _, err := tx.Exec(s.q("UPDATE {table} SET note = ? WHERE id = ?"), "no context", int64(2)); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		events := s.wantKinds(t, got, sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindCommit)
		if e := events[1]; e.TxID != events[0].TxID || e.Rows != 1 {
			t.Errorf("exec has TxID %d and Rows %d, want the begin's %d and 1", e.TxID, e.Rows, events[0].TxID)
		}
		s.wantCaller(t, events[1], at)
	})
}

func checkCancel(t *testing.T, s *suiteDB) {
	wantCancelled := func(t *testing.T, got *sqltrace.Captured, keepsCause bool) {
		t.Helper()
		e := s.one(t, got, sqltrace.KindQuery)
		switch {
		case e.Err == nil:
			t.Error("Err = nil, want the cancellation")
		case keepsCause && !errors.Is(e.Err, context.Canceled):
			t.Errorf("Err = %v, want one that wraps context.Canceled", e.Err)
		}
	}

	t.Run("before the query", func(t *testing.T) {
		// *sql.DB gives up on a cancelled context before it reaches the
		// driver; a *sql.Conn hands it over.
		conn, err := s.db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ctx, got := sqltrace.Capture(t.Context())
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		rows, err := conn.QueryContext(ctx, s.q("SELECT id FROM {table} WHERE id >= ?"), int64(1))
		if err == nil {
			for rows.Next() {
			}
			rows.Close()
		}
		wantCancelled(t, got, s.cancelledKeepsCause)
	})

	t.Run("while reading rows", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		rows, err := s.db.QueryContext(ctx, s.q("SELECT id FROM {table} ORDER BY id"))
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatalf("no first row: %v", rows.Err())
		}
		cancel()
		for rows.Next() {
		}
		// The wrapper records the context's error when the driver gave none.
		rows.Close()
		wantCancelled(t, got, true)
	})
}

func checkGoroutines(t *testing.T, s *suiteDB) {
	const goroutines, each = 8, 20
	ctx, got := sqltrace.Capture(t.Context())
	query := s.q("SELECT name FROM {table} WHERE id = ?")
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for i := range each {
				var name string
				if err := s.db.QueryRowContext(ctx, query, int64(i%3+1)).Scan(&name); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := got.Count(); n != goroutines*each {
		t.Errorf("Count() = %d, want %d", n, goroutines*each)
	}
	for _, e := range got.Events() {
		if e.Kind != sqltrace.KindQuery || e.Rows != 1 || e.Err != nil {
			t.Fatalf("recorded %s with %d rows, want queries of one row", s.describe([]sqltrace.Event{e}), e.Rows)
		}
	}
}

func checkNoRecorder(t *testing.T, s *suiteDB) {
	// got sees one query, then must see none of what runs without it, on
	// the same pool and likely the same connection.
	ctx, got := sqltrace.Capture(t.Context())
	query := s.q("SELECT name FROM {table} WHERE id = ?")
	var name string
	if err := s.db.QueryRowContext(ctx, query, int64(1)).Scan(&name); err != nil {
		t.Fatal(err)
	}

	bg := context.Background()
	if err := s.db.QueryRowContext(bg, query, int64(2)).Scan(&name); err != nil || name != "banana" {
		t.Fatalf("QueryRow = %q, %v; want banana", name, err)
	}
	s.mustExec(t, bg, "UPDATE {table} SET note = ? WHERE id = ?", "bg", int64(1))
	tx, err := s.db.BeginTx(bg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(s.q("UPDATE {table} SET note = ? WHERE id = ?"), "tx", int64(2)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	stmt, err := s.db.PrepareContext(bg, query)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	if err := stmt.QueryRowContext(bg, int64(3)).Scan(&name); err != nil || name != "cherry" {
		t.Fatalf("statement QueryRow = %q, %v; want cherry", name, err)
	}
	s.one(t, got, sqltrace.KindQuery)
}

// suiteColumn is what database/sql tells of a result column.
type suiteColumn struct {
	name, databaseType  string
	scanType            reflect.Type
	length              int64
	hasLength           bool
	precision, scale    int64
	hasDecimal          bool
	nullable, hasIsNull bool
}

func (s *suiteDB) columns(t *testing.T, rows *sql.Rows, err error) []suiteColumn {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]suiteColumn, len(types))
	for i, ct := range types {
		c := suiteColumn{name: ct.Name(), databaseType: ct.DatabaseTypeName(), scanType: ct.ScanType()}
		c.length, c.hasLength = ct.Length()
		c.precision, c.scale, c.hasDecimal = ct.DecimalSize()
		c.nullable, c.hasIsNull = ct.Nullable()
		out[i] = c
	}
	return out
}

func checkColumnTypes(t *testing.T, s *suiteDB) {
	query := s.q("SELECT id, name, price, created_at, note FROM {table} ORDER BY id")
	raw := s.openRaw(t, s.dsn)
	rows, err := raw.QueryContext(t.Context(), query)
	want := s.columns(t, rows, err)
	// Rows are wrapped only while they are recorded.
	ctx, _ := sqltrace.Capture(t.Context())
	rows, err = s.db.QueryContext(ctx, query)
	got := s.columns(t, rows, err)
	if !slices.Equal(got, want) {
		t.Errorf("through sqltrace:\n%+v\nwant the driver's:\n%+v", got, want)
	}
	if want[0].databaseType == "" {
		t.Errorf("the driver names no database type for id; the comparison proves little")
	}
}

func checkSqlx(t *testing.T, s *suiteDB) {
	type item struct {
		ID   int64          `db:"id"`
		Name string         `db:"name"`
		Note sql.NullString `db:"note"`
	}
	x := sqlx.NewDb(s.db, s.driverName)
	ctx, got := sqltrace.Capture(t.Context())
	// wantOne checks the one event a sqlx call recorded, and forgets it.
	wantOne := func(t *testing.T, err error, k sqltrace.Kind, rows int64, at runtime.Frame) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		e := s.one(t, got, k)
		if e.Rows != rows {
			t.Errorf("%s %q: Rows = %d, want %d", e.Kind, e.SQL, e.Rows, rows)
		}
		s.wantCaller(t, e, at)
		got.Reset()
	}

	var it item
	at := lineBelow()
	err := x.GetContext(ctx, &it, x.Rebind(s.withTable("SELECT id, name, note FROM {table} WHERE id = ?")), 2)
	wantOne(t, err, sqltrace.KindQuery, 1, at)
	if it.ID != 2 || it.Name != "banana" || it.Note.Valid {
		t.Errorf("Get = %+v, want banana with no note", it)
	}

	var items []item
	at = lineBelow()
	err = x.SelectContext(ctx, &items, s.withTable("SELECT id, name, note FROM {table} ORDER BY id"))
	wantOne(t, err, sqltrace.KindQuery, 3, at)
	if len(items) != 3 || items[2].Name != "cherry" {
		t.Errorf("Select = %+v, want the three items", items)
	}

	at = lineBelow()
	_, err = x.NamedExecContext(ctx, s.withTable("INSERT INTO {table} (id, name, price) VALUES (:id, :name, :price)"), map[string]any{"id": 4, "name": "date", "price": 3.75})
	wantOne(t, err, sqltrace.KindExec, 1, at)

	query, args, err := sqlx.In(s.withTable("SELECT id FROM {table} WHERE id IN (?) ORDER BY id"), []int64{1, 4})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	at = lineBelow()
	err = x.SelectContext(ctx, &ids, x.Rebind(query), args...)
	wantOne(t, err, sqltrace.KindQuery, 2, at)
	if !slices.Equal(ids, []int64{1, 4}) {
		t.Errorf("sqlx.In select = %v, want [1 4]", ids)
	}

	atBegin := lineBelow()
	tx, err := x.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	atExec := lineBelow()
	tx.MustExec(tx.Rebind(s.withTable("UPDATE {table} SET note = ? WHERE id = ?")), "sqlx", 1)
	atCommit := lineBelow()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	events := s.wantKinds(t, got, sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindCommit)
	for i, at := range []runtime.Frame{atBegin, atExec, atCommit} {
		s.wantCaller(t, events[i], at)
	}

	// A transaction begun without a context works, and has no recorder.
	got.Reset()
	tx, err = x.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	tx.MustExec(tx.Rebind(s.withTable("UPDATE {table} SET note = ? WHERE id = ?")), "beginx", 2)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	s.wantKinds(t, got)
}

func checkUnwrap(t *testing.T, s *suiteDB) {
	conn, err := s.db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		if w := fmt.Sprintf("%T", dc); !strings.Contains(w, "sqltrace") {
			t.Errorf("Raw gave %s, want sqltrace's wrapper", w)
		}
		if raw := fmt.Sprintf("%T", sqltrace.Unwrap(dc)); raw != s.rawConn {
			t.Errorf("Unwrap gave %s, want %s", raw, s.rawConn)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if drv := fmt.Sprintf("%T", sqltrace.Unwrap(s.db.Driver())); strings.Contains(drv, "sqltrace") {
		t.Errorf("Unwrap(db.Driver()) gave %s, want the driver's own", drv)
	}
}

func checkDatabases(t *testing.T, s *suiteDB) {
	for _, d := range dbregistry.Databases() {
		if d.DB != s.db {
			continue
		}
		want := s.driverName
		if s.connector != nil {
			want = fmt.Sprintf("%T", s.mustConnector(t, s.dsn).Driver())
		}
		if d.Name != want || d.Driver != want {
			t.Errorf("listed as %q, driver %q; want %q for both", d.Name, d.Driver, want)
		}
		wantDialect := map[string]string{"sqlite": dbregistry.SQLite, "pgx": dbregistry.Postgres, "postgres": dbregistry.Postgres, "mysql": dbregistry.MySQL}[s.driverName]
		if d.Dialect != wantDialect {
			t.Errorf("dialect %q, want %q", d.Dialect, wantDialect)
		}
		if got, ok := dbregistry.Lookup(d.ID); !ok || got.DB != s.db {
			t.Errorf("Lookup(%d) = %v, %v; want the database", d.ID, got.DB, ok)
		}
		ctx, events := sqltrace.Capture(t.Context())
		s.mustExec(t, ctx, "UPDATE {table} SET name = name WHERE id = ?", 1)
		for _, e := range events.Events() {
			if e.DB != d.ID {
				t.Errorf("a %s event carries database %d, want %d", e.Kind, e.DB, d.ID)
			}
		}
		return
	}
	t.Error("the registry does not list the database")
}

// checkArrayArg returns a check that binds arg, the ids 1 and 3 as a
// Postgres array, in a query and in a prepared statement: it reaches the
// driver only if the wrapper forwards the driver's NamedValueChecker, from
// the connection and from the statement.
func checkArrayArg(arg any) func(t *testing.T, s *suiteDB) {
	return func(t *testing.T, s *suiteDB) {
		ctx, got := sqltrace.Capture(t.Context())
		query := s.withTable("SELECT id FROM {table} WHERE id = ANY($1) ORDER BY id")
		rows, err := s.db.QueryContext(ctx, query, arg)
		if ids := s.ids(t, rows, err); !slices.Equal(ids, []int64{1, 3}) {
			t.Errorf("query returned %v, want [1 3]", ids)
		}

		stmt, err := s.db.PrepareContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		rows, err = stmt.QueryContext(ctx, arg)
		if ids := s.ids(t, rows, err); !slices.Equal(ids, []int64{1, 3}) {
			t.Errorf("statement returned %v, want [1 3]", ids)
		}
		s.wantKinds(t, got, sqltrace.KindQuery, sqltrace.KindPrepare, sqltrace.KindQuery)
	}
}

func checkPgxNative(t *testing.T, s *suiteDB) {
	conn, err := s.db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	err = conn.Raw(func(dc any) error {
		sc, ok := sqltrace.Unwrap(dc).(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("Unwrap gave %T, want *stdlib.Conn", sqltrace.Unwrap(dc))
		}
		return sc.Conn().QueryRow(t.Context(), "SELECT count(*) FROM "+s.table).Scan(&n)
	})
	if err != nil || n != len(suiteItems) {
		t.Errorf("pgx-native count = %d, %v; want %d", n, err, len(suiteItems))
	}
}
