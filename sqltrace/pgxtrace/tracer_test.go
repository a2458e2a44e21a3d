package pgxtrace_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

func TestQueryIsOneEventWithItsCaller(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	sql := "SELECT id, name FROM " + table + " WHERE id >= $1 ORDER BY id"
	file, line := here()
	rows, err := pool.Query(ctx, sql, int64(2))
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		return name, err
	})
	if err != nil || !reflect.DeepEqual(names, []string{"banana", "cherry"}) {
		t.Fatalf("CollectRows = %v, %v", names, err)
	}

	e := wantKinds(t, statements(got), sqltrace.KindQuery)[0]
	if e.SQL != sql || !reflect.DeepEqual(e.Args, []any{int64(2)}) || e.Rows != 2 || e.Err != nil {
		t.Errorf("event = %q %v rows=%d err=%v, want %q [2] rows=2", e.SQL, e.Args, e.Rows, e.Err, sql)
	}
	if e.Duration <= 0 || e.Start.IsZero() || e.ConnID == 0 || e.TxID != 0 || e.NoContext {
		t.Errorf("event: duration %v, start %v, conn %d, tx %d, no context %v", e.Duration, e.Start, e.ConnID, e.TxID, e.NoContext)
	}
	checkCaller(t, &e, file, line+1)
}

func TestQueryRowRecordsTheRowsTheServerSent(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	var name string
	file, line := here()
	err := pool.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = $1", int64(3)).Scan(&name)
	if err != nil || name != "cherry" {
		t.Fatalf("QueryRow = %q, %v", name, err)
	}
	err = pool.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = $1", int64(9)).Scan(&name)
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("QueryRow of no row: %v", err)
	}

	events := wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindQuery)
	if events[0].Rows != 1 || events[1].Rows != 0 || events[1].Err != nil {
		t.Errorf("rows %d and %d (err %v), want 1 and 0 (pgx.ErrNoRows is the caller's, not the server's)", events[0].Rows, events[1].Rows, events[1].Err)
	}
	checkCaller(t, &events[0], file, line+1)
}

func TestExecRecordsTheRowsItAffected(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	sql := "UPDATE " + table + " SET note = $1 WHERE id <= $2"
	file, line := here()
	tag, err := pool.Exec(ctx, sql, "ripe", int64(2))
	if err != nil || tag.RowsAffected() != 2 {
		t.Fatalf("Exec = %v, %v", tag, err)
	}
	// A statement that returns rows through Exec is still a query: the
	// command tag says so.
	if _, err := pool.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	// And an insert read through Query is an exec.
	rows, _ := pool.Query(ctx, "INSERT INTO "+table+" (id, name) VALUES ($1, $2) RETURNING id", int64(4), "date")
	rows.Close()

	events := wantKinds(t, statements(got), sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindExec)
	if e := events[0]; e.SQL != sql || !reflect.DeepEqual(e.Args, []any{"ripe", int64(2)}) || e.Rows != 2 || e.Err != nil {
		t.Errorf("exec = %q %v rows=%d err=%v, want rows=2", e.SQL, e.Args, e.Rows, e.Err)
	}
	if events[1].Rows != 1 || events[2].Rows != 1 || rows.Err() != nil {
		t.Errorf("rows %d and %d (%v), want 1 and 1", events[1].Rows, events[2].Rows, rows.Err())
	}
	checkCaller(t, &events[0], file, line+1)
}

func TestFailingStatementIsOneEventWithItsError(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	// Unknown columns fail when pgx prepares the statement, a violated key
	// when it runs.
	file, line := here()
	_, qerr := pool.Query(ctx, "SELECT nosuch FROM "+table+" WHERE id = $1", int64(1))
	_, eerr := pool.Exec(ctx, "INSERT INTO "+table+" (id, name) VALUES ($1, $2)", int64(1), "again")
	var pgErr *pgconn.PgError
	if !errors.As(qerr, &pgErr) || !errors.As(eerr, &pgErr) {
		t.Fatalf("errors %v and %v, want PostgreSQL errors", qerr, eerr)
	}

	events := wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindExec)
	for i, want := range []error{qerr, eerr} {
		e := events[i]
		if !errors.Is(e.Err, want) || e.Rows != -1 || len(e.Args) == 0 {
			t.Errorf("%s %q: err %v, rows %d, args %v; want %v, -1 and the arguments", e.Kind, e.SQL, e.Err, e.Rows, e.Args, want)
		}
	}
	checkCaller(t, &events[0], file, line+1)
}

func TestNamedArgumentsAndOptions(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	named := "SELECT name FROM " + table + " WHERE id = @id AND name <> @password"
	rows, _ := pool.Query(ctx, named, pgx.NamedArgs{"password": "x", "id": int64(1)})
	rows.Close()
	rows, _ = pool.Query(ctx, "SELECT name FROM "+table+" WHERE id = $1", pgx.QueryExecModeSimpleProtocol, int64(2))
	rows.Close()
	if _, err := pool.Exec(ctx, "UPDATE "+table+" SET note = @note WHERE id = @id", pgx.QueryExecModeExec, pgx.StrictNamedArgs{"note": "n", "id": int64(3)}); err != nil {
		t.Fatal(err)
	}

	events := wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindExec)
	want := [][]any{
		{sql.Named("id", int64(1)), sql.Named("password", "x")},
		{int64(2)},
		{sql.Named("id", int64(3)), sql.Named("note", "n")},
	}
	for i, e := range events {
		if !reflect.DeepEqual(e.Args, want[i]) || e.Err != nil || e.Rows != 1 {
			t.Errorf("%q: args %#v rows %d err %v, want %#v rows 1", e.SQL, e.Args, e.Rows, e.Err, want[i])
		}
	}
	if events[0].SQL != named {
		t.Errorf("SQL %q, want it as written: %q", events[0].SQL, named)
	}
}

func TestTransactionsShareOneID(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)

	t.Run("from begin to commit", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		file, line := here()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "UPDATE "+table+" SET note = $1 WHERE id = $2", "tx", int64(1)); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := tx.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = $1", int64(1)).Scan(&name); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, "SELECT 1"); err != nil {
			t.Fatal(err)
		}

		events := wantKinds(t, statements(got), sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindCommit, sqltrace.KindQuery)
		checkTx(t, events[:4])
		if events[4].TxID != 0 {
			t.Errorf("a statement after the commit has TxID %d, want 0", events[4].TxID)
		}
		if events[0].SQL != "" || events[3].SQL != "" {
			t.Errorf("begin and commit SQL %q, %q; want empty, as the database/sql wrapper records them", events[0].SQL, events[3].SQL)
		}
		checkCaller(t, &events[0], file, line+1)
	})

	t.Run("from begin to rollback, through savepoints", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.Serializable}, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "UPDATE "+table+" SET note = 'gone' WHERE id = 2"); err != nil {
				return err
			}
			nested, err := tx.Begin(ctx) // a savepoint
			if err != nil {
				return err
			}
			if _, err := nested.Exec(ctx, "DELETE FROM "+table); err != nil {
				return err
			}
			if err := nested.Rollback(ctx); err != nil { // rollback to savepoint: not the end
				return err
			}
			return errors.New("give up")
		})
		if err == nil || err.Error() != "give up" {
			t.Fatalf("BeginTxFunc: %v", err)
		}
		events := wantKinds(t, statements(got), sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindExec, sqltrace.KindExec, sqltrace.KindExec, sqltrace.KindRollback)
		checkTx(t, events)
		if events[4].SQL != "rollback to savepoint sp_1" {
			t.Errorf("event 5 is %q, want the rollback to the savepoint", events[4].SQL)
		}
	})

	t.Run("a commit that rolled back has the error Commit returns", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec(ctx, "SELECT nosuch FROM "+table)
		if err := tx.Commit(ctx); !errors.Is(err, pgx.ErrTxCommitRollback) {
			t.Fatalf("Commit: %v", err)
		}
		events := wantKinds(t, statements(got), sqltrace.KindBegin, sqltrace.KindQuery, sqltrace.KindCommit)
		checkTx(t, events)
		if !errors.Is(events[2].Err, pgx.ErrTxCommitRollback) {
			t.Errorf("commit error %v, want pgx.ErrTxCommitRollback", events[2].Err)
		}
	})

	t.Run("a transaction begun unrecorded is grouped from where recording starts", func(t *testing.T) {
		c, err := pool.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		tx, err := c.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ctx, got := sqltrace.Capture(t.Context())
		tx.Exec(ctx, "SELECT 1")
		tx.Exec(ctx, "SELECT 2")
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		// The next transaction on this connection is another one, and so is
		// what runs outside it, even when its end went unrecorded.
		tx, err = c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec(ctx, "SELECT 3")
		tx.Commit(context.Background())
		c.Exec(ctx, "SELECT 4")

		events := wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindRollback,
			sqltrace.KindBegin, sqltrace.KindQuery, sqltrace.KindQuery)
		checkTx(t, events[:3])
		checkTx(t, events[3:5])
		if events[0].TxID == events[3].TxID || events[5].TxID != 0 {
			t.Errorf("TxIDs %d, %d, %d: want two transactions and nothing after", events[0].TxID, events[3].TxID, events[5].TxID)
		}
	})
}

// checkTx fails unless events share one non-zero TxID and one connection.
func checkTx(t *testing.T, events []sqltrace.Event) {
	t.Helper()
	for _, e := range events {
		if e.TxID == 0 || e.TxID != events[0].TxID || e.ConnID != events[0].ConnID {
			t.Errorf("%s %q: tx %d on conn %d, want tx %d (non-zero) on conn %d", e.Kind, e.SQL, e.TxID, e.ConnID, events[0].TxID, events[0].ConnID)
		}
	}
}

func TestConnIDIsStablePerConnection(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	ctx, got := sqltrace.Capture(t.Context())

	a, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		a.Exec(ctx, "SELECT 1")
		b.Exec(ctx, "SELECT 2")
	}
	a.Release()
	b.Release()
	events := wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindQuery)
	if events[0].ConnID == 0 || events[0].ConnID != events[2].ConnID || events[1].ConnID != events[3].ConnID || events[0].ConnID == events[1].ConnID {
		t.Errorf("ConnIDs %d %d %d %d, want a b a b", events[0].ConnID, events[1].ConnID, events[2].ConnID, events[3].ConnID)
	}

	// A pool of one connection hands the same one out every time.
	one := newPool(t, pgxtrace.New(), func(c *pgxpool.Config) { c.MaxConns = 1 })
	got.Reset()
	for range 3 {
		one.Exec(ctx, "SELECT 3")
	}
	events = wantKinds(t, statements(got), sqltrace.KindQuery, sqltrace.KindQuery, sqltrace.KindQuery)
	if events[0].ConnID != events[1].ConnID || events[1].ConnID != events[2].ConnID {
		t.Errorf("ConnIDs %d %d %d through a pool of one, want one", events[0].ConnID, events[1].ConnID, events[2].ConnID)
	}
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	c, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	ctx, got := sqltrace.Capture(t.Context())

	sql := "SELECT name FROM " + table + " WHERE id = $1"
	file, line := here()
	if _, err := c.Conn().Prepare(ctx, "by_id", sql); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conn().Prepare(ctx, "by_id", sql); err != nil { // already prepared: nothing is sent
		t.Fatal(err)
	}
	var name string
	if err := c.QueryRow(ctx, "by_id", int64(1)).Scan(&name); err != nil {
		t.Fatal(err)
	}
	events := wantKinds(t, statements(got), sqltrace.KindPrepare, sqltrace.KindQuery)
	if events[0].SQL != sql || events[0].ConnID != events[1].ConnID {
		t.Errorf("prepare %q on conn %d, want %q on conn %d", events[0].SQL, events[0].ConnID, sql, events[1].ConnID)
	}
	if events[1].SQL != sql || events[1].Rows != 1 {
		t.Errorf("the query run by the statement's name is recorded as %q rows=%d, want %q rows=1", events[1].SQL, events[1].Rows, sql)
	}
	checkCaller(t, &events[0], file, line+1)

	t.Run("a statement prepared unrecorded is known by its name", func(t *testing.T) {
		const sql = "SELECT $1::int + 1"
		pool := newPool(t, pgxtrace.New(), func(c *pgxpool.Config) {
			c.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
				_, err := conn.Prepare(ctx, "plus_one", sql)
				return err
			}
		})
		ctx, got := sqltrace.Capture(t.Context())
		var n int
		if err := pool.QueryRow(ctx, "plus_one", 41).Scan(&n); err != nil || n != 42 {
			t.Fatalf("QueryRow = %d, %v", n, err)
		}
		if e := wantKinds(t, statements(got), sqltrace.KindQuery)[0]; e.SQL != sql {
			t.Errorf("SQL %q, want %q", e.SQL, sql)
		}
	})
}

func TestNothingIsRecordedWithoutARecorder(t *testing.T) {
	t.Parallel()
	tr := pgxtrace.New()
	pool := newPool(t, tr, func(c *pgxpool.Config) { c.MaxConns = 1 })
	table := newTable(t, pool)

	// got sees one query, then none of what runs without it, on the same
	// connection.
	ctx, got := sqltrace.Capture(t.Context())
	if _, err := pool.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	var name string
	if err := pool.QueryRow(bg, "SELECT name FROM "+table+" WHERE id = $1", int64(2)).Scan(&name); err != nil || name != "banana" {
		t.Fatalf("QueryRow = %q, %v", name, err)
	}
	err := pgx.BeginFunc(bg, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(bg, "UPDATE "+table+" SET note = 'bg'")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue("SELECT 1")
	if err := pool.SendBatch(bg, b).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.CopyFrom(bg, pgx.Identifier{table}, []string{"id", "name"}, pgx.CopyFromRows([][]any{{int64(7), "fig"}})); err != nil {
		t.Fatal(err)
	}
	if n := len(statements(got)); n != 1 {
		t.Errorf("%d events, want 1:\n%s", n, got)
	}

	// Without a recorder the tracer hands pgx its context back as it is:
	// nothing is allocated and nothing is kept.
	data := pgx.TraceQueryStartData{SQL: "SELECT 1", Args: []any{int64(1)}}
	if out := tr.TraceQueryStart(bg, nil, data); out != bg {
		t.Error("TraceQueryStart without a recorder returned a new context")
	}
	if out := tr.TraceBatchStart(bg, nil, pgx.TraceBatchStartData{}); out != bg {
		t.Error("TraceBatchStart without a recorder returned a new context")
	}
}

func TestGoroutinesThatFollowARequestAreRecorded(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	got := &sqltrace.Captured{}

	var wg sync.WaitGroup
	wg.Go(func() {
		_, stop := sqltrace.Follow(context.Background(), "req", got)
		defer stop()
		bg := context.Background()
		if _, err := pool.Exec(bg, "UPDATE "+table+" SET note = 'followed' WHERE id = 1"); err != nil {
			t.Error(err)
		}
		var inner sync.WaitGroup
		inner.Go(func() {
			var name string
			if err := pool.QueryRow(bg, "SELECT name FROM "+table+" WHERE id = 2").Scan(&name); err != nil {
				t.Error(err)
			}
		})
		inner.Wait()
	})
	wg.Wait()
	// Outside the followed goroutines, nothing is recorded.
	pool.Exec(context.Background(), "SELECT 1")

	events := wantKinds(t, statements(got), sqltrace.KindExec, sqltrace.KindQuery)
	for _, e := range events {
		if !e.NoContext || e.Rows != 1 {
			t.Errorf("%s %q: NoContext %v, rows %d; want true, 1", e.Kind, e.SQL, e.NoContext, e.Rows)
		}
	}
}

func TestPoolWaitIsRecorded(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New(), func(c *pgxpool.Config) { c.MaxConns = 1 })
	held, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const wait = 30 * time.Millisecond
	time.AfterFunc(wait, held.Release)
	ctx, got := sqltrace.Capture(t.Context())

	file, line := here()
	if _, err := pool.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	// A connection that is free is handed out at once, and not recorded
	// (allowing a slow machine its millisecond).
	pool.Exec(ctx, "SELECT 2")

	events := got.Events()
	if len(events) < 3 || len(events) > 4 {
		t.Fatalf("%d events, want an acquire, a query and another query", len(events))
	}
	a, q := events[0], events[1]
	if a.Kind != sqltrace.KindAcquire || q.Kind != sqltrace.KindQuery {
		t.Fatalf("events %s, %s; want acquire, query", a.Kind, q.Kind)
	}
	if a.Duration < wait-5*time.Millisecond || a.Err != nil || a.ConnID != q.ConnID || a.SQL != "" || a.Rows != -1 {
		t.Errorf("acquire: waited %v, err %v, conn %d, SQL %q, rows %d; want about %v on the query's conn %d", a.Duration, a.Err, a.ConnID, a.SQL, a.Rows, wait, q.ConnID)
	}
	if end := a.Start.Add(a.Duration); end.After(q.Start) {
		t.Errorf("the acquire ends at %v, after the query starts at %v", end, q.Start)
	}
	checkCaller(t, &a, file, line+1)

	// A wait that gives up is recorded with its error.
	held, err = pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	got.Reset()
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = pool.Exec(short, "SELECT 1")
	events = wantKinds(t, got.Events(), sqltrace.KindAcquire)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(events[0].Err, context.DeadlineExceeded) {
		t.Errorf("Exec: %v; acquire recorded with %v; want the deadline", err, events[0].Err)
	}
}
