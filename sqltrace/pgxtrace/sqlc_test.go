package pgxtrace_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

// sqlc's pgx/v5 output runs its queries through a DBTX that *pgxpool.Pool
// and pgx.Tx implement (sqlc_queries_test.go is written the way sqlc
// writes it). Its queries are recorded like any other, with the app's line
// that called the generated method on their stack.
func TestSqlcQueriesAreRecorded(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	// The generated SQL names its table "authors"; the test's own schema
	// keeps it apart from other tests'.
	schema := fmt.Sprintf("pgxtrace_sqlc_%08x", rand.Uint32())
	mustExec(t, pool, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	mustExec(t, pool, "CREATE TABLE "+schema+".authors (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, bio TEXT)")
	c, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if _, err := c.Exec(context.Background(), "SET search_path TO "+schema); err != nil {
		t.Fatal(err)
	}

	ctx, got := sqltrace.Capture(t.Context())
	q := NewQueries(c)
	bio := "wrote it"
	file, line := here()
	a, err := q.CreateAuthor(ctx, CreateAuthorParams{Name: "Ada", Bio: &bio})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetAuthor(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		if _, err := q.WithTx(tx).UpdateAuthorBios(ctx, nil); err != nil {
			return err
		}
		_, err := q.WithTx(tx).ListAuthors(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	events := wantKinds(t, statements(got), sqltrace.KindExec, sqltrace.KindQuery,
		sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindCommit)
	for i, want := range []string{createAuthor, getAuthor, "", updateAuthorBios, listAuthors, ""} {
		if e := events[i]; e.SQL != want || e.Err != nil || (want != "" && e.Rows != 1) {
			t.Errorf("event %d: %q rows=%d err=%v, want %q rows=1", i, e.SQL, e.Rows, e.Err, want)
		}
	}
	if !reflect.DeepEqual(events[0].Args, []any{"Ada", &bio}) && !reflect.DeepEqual(events[0].Args, []any{"Ada", bio}) {
		t.Errorf("CreateAuthor args %#v", events[0].Args)
	}
	checkTx(t, events[2:])
	checkCalledFrom(t, &events[0], file, line+1)
	checkCalledFrom(t, &events[1], file, line+5)
}

// checkCalledFrom fails unless the app's line that called a generated
// method is the event's caller, or, where sqltrace takes generated files
// for app code, the frame right above the generated method.
func checkCalledFrom(t *testing.T, e *sqltrace.Event, file string, line int) {
	t.Helper()
	st := e.Stack()
	i := 0
	if len(st) > 0 && strings.HasSuffix(st[0].File, "sqlc_queries_test.go") {
		i = 1
	}
	if len(st) <= i || st[i].File != file || st[i].Line != line {
		t.Errorf("%q: want %s:%d as the caller of the generated method; stack: %s", e.SQL, file, line, stack(e))
	}
}
