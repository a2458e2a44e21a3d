package pgxtrace_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/tracelog"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

// A pool whose queries are recorded, and a test-style count of what a code
// path runs.
func Example() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	cfg.ConnConfig.Tracer = pgxtrace.New()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	ctx, got := sqltrace.Capture(ctx)
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relkind = $1", "r").Scan(&n); err != nil {
		log.Fatal(err)
	}
	for _, e := range got.Events() {
		fmt.Println(e.Kind, e.SQL, e.Args, e.Rows, e.Caller().Line)
	}
}

// pgx has one tracer slot: multitracer shares it with another tracer.
func Example_multitracer() {
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	logger := tracelog.LoggerFunc(func(ctx context.Context, level tracelog.LogLevel, msg string, data map[string]any) {
		log.Println(msg, data)
	})
	cfg.ConnConfig.Tracer = multitracer.New(
		&tracelog.TraceLog{Logger: logger, LogLevel: tracelog.LogLevelInfo},
		pgxtrace.New(),
	)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
}
