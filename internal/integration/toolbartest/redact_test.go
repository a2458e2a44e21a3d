package toolbartest_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/libtnb/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

type account struct {
	ID       uint
	Name     string `db:"name"`
	Password string `db:"password"`
	APIToken string `db:"api_token"`
	Author   string `db:"author"`
}

// TestORMArgumentsForSecretColumnsAreRedacted runs sqlx's named queries
// and GORM's models, whose arguments reach the driver without names, and
// checks the record shows no password or token but keeps the rest.
func TestORMArgumentsForSecretColumnsAreRedacted(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(`CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT, password TEXT, api_token TEXT, author TEXT)`); err != nil {
		t.Fatal(err)
	}
	xdb := sqlx.NewDb(db, "sqlite")
	gdb, err := gorm.Open(sqlite.New(sqlite.Config{Conn: db}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"sqlx NamedExec", func(ctx context.Context) error {
			_, err := xdb.NamedExecContext(ctx, "INSERT INTO accounts (name, password, api_token, author) VALUES (:name, :password, :api_token, :author)",
				account{Name: "bob", Password: "hunter2", APIToken: "t0k3n", Author: "ursula"})
			return err
		}},
		{"sqlx named query", func(ctx context.Context) error {
			rows, err := xdb.NamedQueryContext(ctx, "SELECT id FROM accounts WHERE author = :author AND password = :password", map[string]any{"author": "ursula", "password": "hunter2"})
			if err == nil {
				rows.Close()
			}
			return err
		}},
		{"GORM Create", func(ctx context.Context) error {
			return gdb.WithContext(ctx).Create(&account{Name: "bob", Password: "hunter2", APIToken: "t0k3n", Author: "ursula"}).Error
		}},
		{"GORM Update", func(ctx context.Context) error {
			return gdb.WithContext(ctx).Model(&account{}).Where("author = ?", "ursula").Update("password", "hunter2").Error
		}},
		{"GORM Where", func(ctx context.Context) error {
			var a account
			return gdb.WithContext(ctx).Where("api_token = ? AND author = ?", "t0k3n", "ursula").Find(&a).Error
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := newToolbar(t, toolbar.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			var runErr error
			h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { runErr = c.run(r.Context()) }))
			w := serveLocal(h, "/")
			if runErr != nil {
				t.Fatal(runErr)
			}
			res := serveLocal(h, "/__debug__/api/v1/requests/"+w.Header().Get("X-Debug-Token"))
			body := res.Body.String()
			rec := decodeRecord(t, res.Body.Bytes())
			if strings.Contains(body, "hunter2") || strings.Contains(body, "t0k3n") {
				t.Errorf("a secret is shown: %+v", rec.Queries)
			}
			if !strings.Contains(body, "ursula") || !strings.Contains(body, toolbar.Redacted) {
				t.Errorf("want the author shown and the secrets redacted: %+v", rec.Queries)
			}
		})
	}
}
