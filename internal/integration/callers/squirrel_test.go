package callers_test

import (
	"testing"

	sq "github.com/Masterminds/squirrel"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestSquirrel(t *testing.T) {
	db := openSQLite(t)
	ctx, got := sqltrace.Capture(t.Context())

	_, err := db.ExecContext(ctx, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)") //at:sq.plain
	must(t, err)
	wantCallers(t, got, at("sq.plain"))

	_, err = sq.Insert("notes").Columns("body").Values("a").Values("b").RunWith(db).ExecContext(ctx) //at:sq.insert
	must(t, err)
	wantCallers(t, got, at("sq.insert"))

	rows, err := sq.Select("id", "body").From("notes").Where(sq.Eq{"body": []string{"a", "b"}}).OrderBy("id").RunWith(db).QueryContext(ctx) //at:sq.select
	must(t, err)
	for rows.Next() {
	}
	must(t, rows.Close())
	wantCallers(t, got, at("sq.select"))

	var n int
	must(t, sq.Select("count(*)").From("notes").RunWith(db).QueryRowContext(ctx).Scan(&n)) //at:sq.count
	wantCallers(t, got, at("sq.count"))

	notes := sq.StatementBuilder.RunWith(db)
	_, err = notes.Update("notes").Set("body", "c").Where(sq.Eq{"id": 1}).ExecContext(ctx) //at:sq.update
	must(t, err)
	wantCallers(t, got, at("sq.update"))
}
