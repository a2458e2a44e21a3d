package toolbartest_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/libtnb/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/callers/sqlcdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

type gormFeed struct {
	ID    uint
	Title string
}

// The data layers of the test app: GORM without a context, sqlc-generated
// code, and pgxpool through the native tracer. Each page's queries must
// land on its record with the line of this file that ran them.
func TestEveryDataLayersQueriesLandOnTheirRequestWithTheAppsLine(t *testing.T) {
	tb := newToolbar(t, toolbar.Config{})
	mux := http.NewServeMux()
	file := "datalayers_test.go"

	sqlDB, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "layers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	gdb, err := gorm.Open(sqlite.New(sqlite.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := gdb.AutoMigrate(&gormFeed{}); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec(sqlcdb.Schema); err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /gorm", func(w http.ResponseWriter, r *http.Request) {
		var feeds []gormFeed
		gdb.Where("title <> ?", "").Find(&feeds) // mark:gorm
	})
	q := sqlcdb.New(sqlDB)
	mux.HandleFunc("GET /sqlc", func(w http.ResponseWriter, r *http.Request) {
		if _, err := q.ListAuthors(r.Context()); err != nil { // mark:sqlc
			http.Error(w, err.Error(), 500)
		}
	})

	var pool *pgxpool.Pool
	if dsn := os.Getenv("DEBUGTOOLBAR_POSTGRES_DSN"); dsn != "" {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ConnConfig.Tracer = pgxtrace.New()
		pool, err = pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		mux.HandleFunc("GET /pgx", func(w http.ResponseWriter, r *http.Request) {
			var n int
			if err := pool.QueryRow(r.Context(), "SELECT $1::int + 1", 41).Scan(&n); err != nil { // mark:pgx
				http.Error(w, err.Error(), 500)
			}
			if _, err := pool.Exec(context.Background(), "SELECT 1"); err != nil { // mark:pgxnoctx
				http.Error(w, err.Error(), 500)
			}
		})
	}
	h := tb.Middleware(mux)

	check := func(t *testing.T, path string, marks ...string) apiRecord {
		t.Helper()
		rec := serveRecord(t, h, "GET", path)
		var got []int
		statements := rec.Queries[:0]
		for _, q := range rec.Queries {
			if q.Kind == "acquire" { // pgxpool's wait for a new connection
				continue
			}
			statements = append(statements, q)
			if filepath.Base(q.Caller.File) != file {
				t.Errorf("%s: %q has the caller %s:%d, want a line of %s", path, q.SQL, q.Caller.File, q.Caller.Line, file)
			}
			got = append(got, q.Caller.Line)
		}
		rec.Queries = statements
		var want []int
		for _, m := range marks {
			want = append(want, markLineIn(t, file, m))
		}
		if len(got) != len(want) {
			t.Fatalf("%s: callers %v, want %v (%+v)", path, got, want, rec.Queries)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: callers %v, want %v", path, got, want)
			}
		}
		return rec
	}
	t.Run("a GORM page without a context", func(t *testing.T) {
		rec := check(t, "/gorm", "gorm")
		if !rec.Queries[0].NoContext {
			t.Error("the GORM query is not marked no_context")
		}
	})
	t.Run("an sqlc page", func(t *testing.T) { check(t, "/sqlc", "sqlc") })
	t.Run("a pgxpool page", func(t *testing.T) {
		if pool == nil {
			t.Skip("DEBUGTOOLBAR_POSTGRES_DSN is not set; set it to a PostgreSQL DSN to run the pgxpool page")
		}
		rec := check(t, "/pgx", "pgx", "pgxnoctx")
		if rec.Queries[0].NoContext || !rec.Queries[1].NoContext {
			t.Errorf("no_context: %v and %v, want false for the query with r.Context() and true for the other", rec.Queries[0].NoContext, rec.Queries[1].NoContext)
		}
	})
}
