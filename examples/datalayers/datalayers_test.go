package datalayers

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// postgresDSN returns a DSN of the PostgreSQL server that
// DEBUGTOOLBAR_POSTGRES_DSN names, whose search_path is a schema of the
// test's own (so each test has its own tables), dropped when t ends. It
// skips t when the variable is not set.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("DEBUGTOOLBAR_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DEBUGTOOLBAR_POSTGRES_DSN is not set; set it to a PostgreSQL DSN to run this data layer")
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("datalayers_%08x", rand.Uint32())
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping the test's schema: %v", err)
		}
		conn.Close(context.Background())
	})
	if !strings.Contains(dsn, "://") { // keyword/value
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens the test's PostgreSQL schema (see postgresDSN) through
// pgx's database/sql driver and sqltrace.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqltrace.Open("pgx", postgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// recorded returns the events got recorded, and forgets them. It fails t
// unless queries queries and execs are among them, and every event's
// caller is a line of the calling test's file: the app's line, whatever
// library or generated code stood between it and the database.
func recorded(t *testing.T, got *sqltrace.Captured, queries int) []sqltrace.Event {
	t.Helper()
	_, file, _, _ := runtime.Caller(1)
	n, events := got.Count(), got.Events()
	got.Reset()
	if n != queries {
		t.Errorf("recorded %d queries and execs, want %d:\n%s", n, queries, list(events))
	}
	for _, e := range events {
		if c := e.Caller(); c.File != file {
			t.Errorf("%s %q has the caller %s:%d (%s), want a line of %s", e.Kind, e.SQL, c.File, c.Line, c.Function, filepath.Base(file))
		}
	}
	return events
}

// list lists events for a failure message.
func list(events []sqltrace.Event) string {
	var b strings.Builder
	for _, e := range events {
		c := e.Caller()
		fmt.Fprintf(&b, "\t%-8s %q %v rows=%d err=%v (%s:%d)\n", e.Kind, strings.Join(strings.Fields(e.SQL), " "), e.Args, e.Rows, e.Err, filepath.Base(c.File), c.Line)
	}
	return b.String()
}

// statement returns the first of events with the kind, failing t if there
// is none.
func statement(t *testing.T, events []sqltrace.Event, kind sqltrace.Kind) sqltrace.Event {
	t.Helper()
	for _, e := range events {
		if e.Kind == kind {
			return e
		}
	}
	t.Fatalf("no %s among:\n%s", kind, list(events))
	return sqltrace.Event{}
}

// must fails t on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
