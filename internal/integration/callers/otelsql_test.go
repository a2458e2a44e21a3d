package callers_test

import (
	"database/sql"
	"testing"

	"github.com/XSAM/otelsql"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"modernc.org/sqlite"
)

// TestOtelsql stacks otelsql's driver wrapper on either side of sqltrace's.
func TestOtelsql(t *testing.T) {
	t.Run("otelsql wrapping sqltrace", func(t *testing.T) {
		db := sql.OpenDB(dsnConnector{otelsql.WrapDriver(sqltrace.Wrap(&sqlite.Driver{})), dsn(t)})
		t.Cleanup(func() { db.Close() })
		checkOtelsql(t, db)
	})
	t.Run("sqltrace wrapping otelsql", func(t *testing.T) {
		db := sqltrace.OpenDB(dsnConnector{otelsql.WrapDriver(&sqlite.Driver{}), dsn(t)})
		t.Cleanup(func() { db.Close() })
		checkOtelsql(t, db)
	})
}

func checkOtelsql(t *testing.T, db *sql.DB) {
	ctx, got := sqltrace.Capture(t.Context())
	_, err := db.ExecContext(ctx, "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)") //at:otel.exec
	must(t, err)
	wantCallers(t, got, at("otel.exec"))

	tx, err := db.BeginTx(ctx, nil) //at:otel.begin
	must(t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO kv VALUES (?, ?)", "a", "1") //at:otel.tx.exec
	must(t, err)
	must(t, tx.Commit()) //at:otel.commit
	wantCallers(t, got, at("otel.begin"), at("otel.tx.exec"), at("otel.commit"))

	var v string
	must(t, db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = ?", "a").Scan(&v)) //at:otel.query
	wantCallers(t, got, at("otel.query"))

	st, err := db.PrepareContext(ctx, "SELECT v FROM kv WHERE k = ?") //at:otel.prepare
	must(t, err)
	defer st.Close()
	must(t, st.QueryRowContext(ctx, "a").Scan(&v)) //at:otel.stmt
	wantCallers(t, got, at("otel.prepare"), at("otel.stmt"))
}
