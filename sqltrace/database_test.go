package sqltrace_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/dbregistry"
	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// dbOf runs a query on db and returns the database its event names.
func dbOf(t *testing.T, db *sql.DB) int32 {
	t.Helper()
	ctx, got := sqltrace.Capture(context.Background())
	rows, err := db.QueryContext(ctx, "SELECT n FROM t WHERE id = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	evs := got.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return evs[0].DB
}

func TestEveryWrappedDatabaseIsNumberedWithItsDialect(t *testing.T) {
	t.Run("OpenDB registers the pool, of the dialect WithDialect gives", func(t *testing.T) {
		db := sqltrace.OpenDB(&memdb.Connector{}, sqltrace.WithDialect("Postgres"))
		defer db.Close()
		id := dbOf(t, db)
		d, ok := dbregistry.Lookup(id)
		if id == 0 || !ok || d.DB != db || d.Dialect != dbregistry.Postgres {
			t.Errorf("database %d: %+v, %v; want this pool, postgres", id, d, ok)
		}
	})
	t.Run("a driver of no known package is of no known dialect", func(t *testing.T) {
		db := sqltrace.OpenDB(&memdb.Connector{})
		defer db.Close()
		if d, _ := dbregistry.Lookup(dbOf(t, db)); d.Dialect != dbregistry.Unknown {
			t.Errorf("dialect %q, want unknown", d.Dialect)
		}
	})
	t.Run("WrapConnector registers the connector", func(t *testing.T) {
		c := &memdb.Connector{}
		db := sql.OpenDB(sqltrace.WrapConnector(c, sqltrace.WithDialect("sqlite")))
		defer db.Close()
		d, ok := dbregistry.Lookup(dbOf(t, db))
		if !ok || d.DB != nil || d.Connector != c || d.Dialect != dbregistry.SQLite {
			t.Errorf("%+v, %v; want the raw connector, sqlite", d, ok)
		}
	})
	t.Run("Wrap makes each name a database", func(t *testing.T) {
		name := "sqltrace-test-wrap"
		sql.Register(name, sqltrace.Wrap((&memdb.Connector{}).Driver()))
		open := func(dsn string) *sql.DB {
			db, err := sql.Open(name, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		a, b, a2 := dbOf(t, open("a")), dbOf(t, open("b")), dbOf(t, open("a"))
		if a == 0 || b == 0 || a == b || a2 != a {
			t.Errorf("databases a %d, b %d, a again %d: want two ids, the same for the same name", a, b, a2)
		}
		if d, ok := dbregistry.Lookup(a); !ok || d.Connector == nil {
			t.Errorf("%+v, %v: want a connector to reach it", d, ok)
		}
	})
	t.Run("DialectOf reads the driver's package, then its name", func(t *testing.T) {
		for name, want := range map[string]string{"pgx": dbregistry.Postgres, "postgres": dbregistry.Postgres, "mysql": dbregistry.MySQL, "sqlite": dbregistry.SQLite, "sqlite3": dbregistry.SQLite, "sqlserver": dbregistry.Unknown} {
			if got := dbregistry.DialectOf(nil, name); got != want {
				t.Errorf("DialectOf(%q) = %q, want %q", name, got, want)
			}
		}
	})
}
