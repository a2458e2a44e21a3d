package datalayers

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestPgxThroughDatabaseSQL(t *testing.T) {
	dsn := postgresDSN(t)
	t.Run("through a connector", func(t *testing.T) {
		db, err := openPgx(dsn)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		ctx, got := sqltrace.Capture(t.Context())
		var name string
		must(t, db.QueryRowContext(ctx, "SELECT current_setting('application_name')").Scan(&name))
		if name != "blog" {
			t.Errorf("application_name %q, want the connector's config, blog", name)
		}
		// pgx's database/sql driver takes pgx's own types; they are shown
		// as the values sent.
		var n int
		must(t, db.QueryRowContext(ctx, "SELECT length($1::text)", pgtype.Text{String: "abc", Valid: true}).Scan(&n))
		if events := recorded(t, got, 2); len(events[1].Args) != 1 || events[1].Args[0] != "abc" {
			t.Errorf("the pgtype.Text argument is shown as %#v, want \"abc\"", events[1].Args)
		}
	})
	t.Run("by the driver's name", func(t *testing.T) {
		db, err := sqltrace.Open("pgx", dsn)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		ctx, got := sqltrace.Capture(t.Context())
		_, err = db.ExecContext(ctx, "SELECT 1")
		must(t, err)
		recorded(t, got, 1)
	})
}
