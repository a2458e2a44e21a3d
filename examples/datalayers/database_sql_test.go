package datalayers

import (
	"database/sql/driver"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// A slug is an app's type that the database sees as its Value.
type slug string

func (s slug) Value() (driver.Value, error) { return strings.ToLower(string(s)), nil }

func TestDatabaseSQL(t *testing.T) {
	db, err := openDB(filepath.Join(t.TempDir(), "blog.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	ctx, got := sqltrace.Capture(t.Context())

	_, err = db.ExecContext(ctx, "CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT NOT NULL)")
	must(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO posts (slug) VALUES (?)", slug("Hello-World"))
	must(t, err)
	var id int
	must(t, db.QueryRowContext(ctx, "SELECT id FROM posts WHERE slug = ?", "hello-world").Scan(&id))
	events := recorded(t, got, 3)
	if args := events[1].Args; len(args) != 1 || args[0] != "hello-world" {
		t.Errorf("the INSERT's arguments are %#v, want the Valuer's value, as the database saw it", args)
	}

	// Without a context, on a goroutine the toolbar follows (a request's).
	_, stop := sqltrace.Follow(t.Context(), "request", got)
	must(t, db.QueryRow("SELECT count(*) FROM posts").Scan(&id))
	stop()
	if events := recorded(t, got, 1); !events[0].NoContext {
		t.Error("the query without a context is not marked NoContext")
	}
}
