package pgxtrace_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

// discard records events nowhere: the benchmarks measure the recording,
// not a growing slice.
var discard = sqltrace.RecorderFunc(func(sqltrace.Event) {})

// BenchmarkPointQuery runs one QueryRow of a row by primary key through a
// pool with no tracer, with the tracer and nothing recording, and with the
// tracer recording (the caller captured, as by default).
func BenchmarkPointQuery(b *testing.B) {
	for _, c := range []struct {
		name   string
		tracer pgx.QueryTracer
		record bool
	}{
		{"raw", nil, false},
		{"tracer/no_recorder", pgxtrace.New(), false},
		{"tracer/recording", pgxtrace.New(), true},
	} {
		b.Run(c.name, func(b *testing.B) {
			pool := newPool(b, c.tracer, func(c *pgxpool.Config) { c.MaxConns = 1 })
			sql := "SELECT name FROM " + newTable(b, pool) + " WHERE id = $1"
			ctx := context.Background()
			if c.record {
				ctx = sqltrace.WithRecorder(ctx, discard)
			}
			var name string
			b.ReportAllocs()
			for b.Loop() {
				if err := pool.QueryRow(ctx, sql, int64(2)).Scan(&name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTracer calls the query tracer's two methods alone, on a real
// connection, so its own cost shows without the round trip's noise.
func BenchmarkTracer(b *testing.B) {
	pool := newPool(b, nil)
	c, err := pool.Acquire(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Release()
	conn := c.Conn()
	tr := pgxtrace.New()
	start := pgx.TraceQueryStartData{SQL: "SELECT name FROM items WHERE id = $1", Args: []any{int64(2)}}
	end := pgx.TraceQueryEndData{}
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{
		{"no_recorder", context.Background()},
		{"recording", sqltrace.WithRecorder(context.Background(), discard)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tr.TraceQueryEnd(tr.TraceQueryStart(c.ctx, conn, start), conn, end)
			}
		})
	}
}
