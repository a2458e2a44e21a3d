package pgxtrace_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// The tests run against a real PostgreSQL named by DEBUGTOOLBAR_POSTGRES_DSN,
// for example
//
//	DEBUGTOOLBAR_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
// The database may be shared with other test packages running at the same
// time, so every test works on a table of its own and drops it.

const dsnEnv = "DEBUGTOOLBAR_POSTGRES_DSN"

func dsn(tb testing.TB) string {
	tb.Helper()
	d := os.Getenv(dsnEnv)
	if d == "" {
		tb.Skipf("%s is not set; set it to a PostgreSQL DSN to run the pgx tests", dsnEnv)
	}
	return d
}

// newPool opens a pool with tracer as its connections' tracer (nil for
// none), closed when the test ends. configure, when given, adjusts the
// config first.
func newPool(tb testing.TB, tracer pgx.QueryTracer, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(dsn(tb))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tracer
	for _, c := range configure {
		c(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if err := pool.Ping(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// newTable creates a table of three items, dropped when the test ends, and
// returns its name. Nothing of it is recorded: it runs without a recorder.
func newTable(tb testing.TB, pool *pgxpool.Pool) string {
	tb.Helper()
	name := fmt.Sprintf("pgxtrace_%08x", rand.Uint32())
	ctx := context.Background() // the test's context is cancelled before cleanups run
	mustExec(tb, pool, "CREATE TABLE "+name+" (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT)")
	tb.Cleanup(func() { pool.Exec(ctx, "DROP TABLE IF EXISTS "+name) })
	mustExec(tb, pool, "INSERT INTO "+name+" (id, name) VALUES (1, 'apple'), (2, 'banana'), (3, 'cherry')")
	return name
}

func mustExec(tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) {
	tb.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// here returns the file and line of its caller, so a test can name the
// line below it as an event's expected caller.
func here() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line
}

func checkCaller(t *testing.T, e *sqltrace.Event, file string, line int) {
	t.Helper()
	if f := e.Caller(); f.File != file || f.Line != line {
		t.Errorf("%s %q: caller %s:%d (%s), want %s:%d\nstack: %s", e.Kind, e.SQL, f.File, f.Line, f.Function, file, line, stack(e))
	}
}

func stack(e *sqltrace.Event) string {
	var b strings.Builder
	for _, f := range e.Stack() {
		fmt.Fprintf(&b, "\n\t%s %s:%d", f.Function, f.File, f.Line)
	}
	return b.String()
}

// statements returns the events of got without the pool's acquires: a
// connection is normally handed out in microseconds and not recorded, but
// a slow machine (or -race) may take a millisecond.
func statements(got *sqltrace.Captured) []sqltrace.Event {
	return slices.DeleteFunc(got.Events(), func(e sqltrace.Event) bool { return e.Kind == sqltrace.KindAcquire })
}

// wantKinds fails unless events are of kinds, in order, and returns them.
func wantKinds(t *testing.T, events []sqltrace.Event, kinds ...sqltrace.Kind) []sqltrace.Event {
	t.Helper()
	var got []sqltrace.Kind
	for _, e := range events {
		got = append(got, e.Kind)
	}
	if !slices.Equal(got, kinds) {
		var b strings.Builder
		for _, e := range events {
			fmt.Fprintf(&b, "\n\t%s %q %v rows=%d err=%v", e.Kind, e.SQL, e.Args, e.Rows, e.Err)
		}
		t.Fatalf("kinds %v, want %v:%s", got, kinds, b.String())
	}
	return events
}
