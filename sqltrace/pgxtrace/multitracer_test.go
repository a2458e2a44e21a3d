package pgxtrace_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/tracelog"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

// logged collects what pgx's tracelog tracer logs.
type logged struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logged) Log(ctx context.Context, level tracelog.LogLevel, msg string, data map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
}

func (l *logged) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

func TestComposesWithOtherTracers(t *testing.T) {
	t.Parallel()
	log := &logged{}
	tracer := multitracer.New(
		&tracelog.TraceLog{Logger: log, LogLevel: tracelog.LogLevelDebug},
		pgxtrace.New(),
	)
	pool := newPool(t, tracer, func(c *pgxpool.Config) { c.MaxConns = 1 })
	table := newTable(t, pool)
	log.mu.Lock()
	log.msgs = nil
	log.mu.Unlock()
	ctx, got := sqltrace.Capture(t.Context())

	file, line := here()
	if _, err := pool.Exec(ctx, "UPDATE "+table+" SET note = $1", "both"); err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue("SELECT 1")
	b.Queue("SELECT 2")
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "name"}, pgx.CopyFromRows([][]any{{int64(9), "fig"}})); err != nil {
		t.Fatal(err)
	}

	events := wantKinds(t, statements(got), sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindExec)
	if events[0].Rows != 3 || events[3].Rows != 1 {
		t.Errorf("rows %d and %d, want 3 and 1", events[0].Rows, events[3].Rows)
	}
	checkCaller(t, &events[0], file, line+1)
	for msg, want := range map[string]int{"Query": 1, "BatchQuery": 2, "BatchClose": 1, "CopyFrom": 1} {
		if n := log.count(msg); n != want {
			t.Errorf("tracelog logged %q %d times, want %d (all: %v)", msg, n, want, log.msgs)
		}
	}
}
