package datalayers

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/debugtoolbar/debugtoolbar/examples/datalayers/internal/sqlcdb"
	"github.com/debugtoolbar/debugtoolbar/examples/datalayers/internal/sqlcpgx"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestSqlcDatabaseSQL(t *testing.T) {
	db := openPostgres(t)
	_, err := db.ExecContext(t.Context(), sqlcdb.Schema)
	must(t, err)
	q := newQueries(db)
	ctx, got := sqltrace.Capture(t.Context())

	a, err := q.CreateAuthor(ctx, sqlcdb.CreateAuthorParams{Name: "Ursula"})
	must(t, err)
	_, err = q.GetAuthor(ctx, a.ID)
	must(t, err)
	events := recorded(t, got, 2)
	if e := events[0]; !strings.HasPrefix(e.SQL, "-- name: CreateAuthor :one") || len(e.Args) != 2 || e.Args[1] != nil {
		t.Errorf("CreateAuthor is recorded as %q %#v, want sqlc's statement, with the NULL bio as nil", e.SQL, e.Args)
	}

	tx, err := db.BeginTx(ctx, nil)
	must(t, err)
	_, err = q.WithTx(tx).ListAuthors(ctx)
	must(t, err)
	must(t, tx.Commit())
	events = recorded(t, got, 1)
	statement(t, events, sqltrace.KindBegin)
	statement(t, events, sqltrace.KindCommit)
}

func TestSqlcPgx(t *testing.T) {
	pool, err := openPool(t.Context(), postgresDSN(t))
	must(t, err)
	t.Cleanup(pool.Close)
	_, err = pool.Exec(t.Context(), sqlcpgx.Schema)
	must(t, err)
	q := newPgxQueries(pool)
	ctx, got := sqltrace.Capture(t.Context())

	n, err := q.CreateAuthors(ctx, []sqlcpgx.CreateAuthorsParams{{Name: "Ursula"}, {Name: "Octavia"}, {Name: "Iain"}})
	must(t, err)
	a, err := q.CreateAuthor(ctx, sqlcpgx.CreateAuthorParams{Name: "Ada", Bio: pgtype.Text{String: "wrote it", Valid: true}})
	must(t, err)
	authors, err := q.ListAuthors(ctx)
	must(t, err)
	if n != 3 || len(authors) != 4 || a.ID == 0 {
		t.Fatalf("copied %d authors, read %v", n, authors)
	}
	events := recorded(t, got, 3)
	if e := events[0]; e.SQL != `COPY "authors" ("name", "bio") FROM STDIN` || e.Rows != 3 {
		t.Errorf(":copyfrom is recorded as %q with %d rows, want one COPY of 3", e.SQL, e.Rows)
	}
	if args := events[1].Args; len(args) != 2 || args[1] != "wrote it" {
		t.Errorf("the pgtype.Text argument is shown as %#v, want the value sent", args)
	}
}
