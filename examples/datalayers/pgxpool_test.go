package datalayers

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestPgxpool(t *testing.T) {
	pool, err := openPool(t.Context(), postgresDSN(t))
	must(t, err)
	t.Cleanup(pool.Close)
	ctx, got := sqltrace.Capture(t.Context())

	_, err = pool.Exec(ctx, "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, title text NOT NULL)")
	must(t, err)
	must(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO posts (title) VALUES ($1)", "Hello")
		return err
	}))
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"posts"}, []string{"title"}, pgx.CopyFromRows([][]any{{"a"}, {"b"}, {"c"}}))
	must(t, err)
	rows, err := pool.Query(ctx, "SELECT title FROM posts ORDER BY id")
	must(t, err)
	titles, err := pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	if n != 3 || len(titles) != 4 {
		t.Fatalf("copied %d rows and read %v", n, titles)
	}
	events := recorded(t, got, 4) // CREATE, INSERT, COPY, SELECT
	statement(t, events, sqltrace.KindBegin)
	statement(t, events, sqltrace.KindCommit)
	var copies int
	for _, e := range events {
		if strings.HasPrefix(e.SQL, "COPY") {
			copies++
			if e.SQL != `COPY "posts" ("title") FROM STDIN` || e.Rows != 3 {
				t.Errorf("CopyFrom is recorded as %q with %d rows", e.SQL, e.Rows)
			}
		}
	}
	if copies != 1 {
		t.Errorf("CopyFrom is %d operations, want one:\n%s", copies, list(events))
	}
}
