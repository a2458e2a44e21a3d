package datalayers

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestSQLX(t *testing.T) {
	dbx := openSQLX(openPostgres(t))
	ctx, got := sqltrace.Capture(t.Context())

	dbx.MustExecContext(ctx, "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, title text NOT NULL)")
	_, err := dbx.NamedExecContext(ctx, "INSERT INTO posts (title) VALUES (:title)", map[string]any{"title": "Hello"})
	must(t, err)
	var titles []string
	must(t, dbx.SelectContext(ctx, &titles, dbx.Rebind("SELECT title FROM posts WHERE title <> ?"), ""))
	if len(titles) != 1 {
		t.Fatalf("read %v", titles)
	}
	events := recorded(t, got, 3)
	if e := events[1]; e.SQL != "INSERT INTO posts (title) VALUES ($1)" || len(e.Args) != 1 || e.Args[0] != "Hello" {
		t.Errorf("NamedExec is recorded as %q %#v, want the statement sqlx sent, with $1", e.SQL, e.Args)
	}
}
