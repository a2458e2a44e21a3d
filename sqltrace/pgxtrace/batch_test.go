package pgxtrace_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
)

func TestBatchIsOneEventPerQuery(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)

	t.Run("read by Close", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		b := &pgx.Batch{}
		b.Queue("INSERT INTO "+table+" (id, name) VALUES ($1, $2)", int64(4), "date")
		var names []string
		b.Queue("SELECT name FROM "+table+" WHERE id >= $1 ORDER BY id", int64(2)).Query(func(rows pgx.Rows) error {
			var err error
			names, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		b.Queue("UPDATE "+table+" SET note = $1 WHERE id <= $2", "batched", int64(3))
		file, line := here()
		if err := pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(names, []string{"banana", "cherry", "date"}) {
			t.Fatalf("names %v", names)
		}

		events := wantKinds(t, statements(got), sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindExec)
		wantRows := []int64{1, 3, 3}
		for i, e := range events {
			q := b.QueuedQueries[i]
			if e.SQL != q.SQL || !reflect.DeepEqual(e.Args, q.Arguments) || e.Rows != wantRows[i] || e.Err != nil {
				t.Errorf("event %d: %q %v rows=%d err=%v, want %q %v rows=%d", i, e.SQL, e.Args, e.Rows, e.Err, q.SQL, q.Arguments, wantRows[i])
			}
			if e.ConnID == 0 || e.ConnID != events[0].ConnID || e.TxID != 0 || e.Duration <= 0 {
				t.Errorf("event %d: conn %d, tx %d, duration %v", i, e.ConnID, e.TxID, e.Duration)
			}
			if i > 0 && e.Start.Before(events[i-1].Start) {
				t.Errorf("event %d starts before event %d", i, i-1)
			}
			checkCaller(t, &e, file, line+1)
		}
	})

	t.Run("read one by one, in a transaction it begins", func(t *testing.T) {
		c, err := pool.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		ctx, got := sqltrace.Capture(t.Context())
		b := &pgx.Batch{}
		b.BeginTx(pgx.TxOptions{})
		b.Queue("UPDATE " + table + " SET note = 'in tx'")
		b.Queue("SELECT count(*) FROM " + table)
		file, line := here()
		br := c.Conn().SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			t.Fatal(err)
		}
		if _, err := br.Exec(); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := br.QueryRow().Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := br.Close(); err != nil {
			t.Fatal(err)
		}
		if err := br.Tx().Commit(ctx); err != nil {
			t.Fatal(err)
		}
		events := wantKinds(t, statements(got), sqltrace.KindBegin, sqltrace.KindExec, sqltrace.KindQuery, sqltrace.KindCommit)
		checkTx(t, events)
		for _, e := range events[:3] {
			checkCaller(t, &e, file, line+1)
		}
	})

	t.Run("a failing query ends it", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		b := &pgx.Batch{}
		b.Queue("INSERT INTO "+table+" (id, name) VALUES ($1, 'again')", int64(1))
		b.Queue("SELECT 1")
		err := pool.SendBatch(ctx, b).Close()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			t.Fatalf("Close: %v, want a PostgreSQL error", err)
		}
		// The SELECT never ran: it is not recorded.
		events := wantKinds(t, statements(got), sqltrace.KindExec)
		if !errors.As(events[0].Err, &pgErr) || events[0].Rows != -1 {
			t.Errorf("insert: err %v, rows %d", events[0].Err, events[0].Rows)
		}
	})

	t.Run("a batch that fails as it is prepared is one event with its error", func(t *testing.T) {
		ctx, got := sqltrace.Capture(t.Context())
		b := &pgx.Batch{}
		b.Queue("SELECT name FROM " + table)
		b.Queue("SELEKT 1")
		file, line := here()
		err := pool.SendBatch(ctx, b).Close()
		if err == nil {
			t.Fatal("the batch did not fail")
		}
		e := wantKinds(t, statements(got), sqltrace.KindQuery)[0]
		if !errors.Is(e.Err, err) && e.Err.Error() != err.Error() {
			t.Errorf("err %v, want %v", e.Err, err)
		}
		if want := "SELECT name FROM " + table + ";\nSELEKT 1"; e.SQL != want || e.Rows != -1 {
			t.Errorf("SQL %q rows %d, want %q rows -1", e.SQL, e.Rows, want)
		}
		checkCaller(t, &e, file, line+1)
	})
}

func TestCopyFromIsOneEvent(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgxtrace.New())
	table := newTable(t, pool)
	ctx, got := sqltrace.Capture(t.Context())

	const n = 500
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{int64(100 + i), strings.Repeat("x", i%7)}
	}
	file, line := here()
	copied, err := pool.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "name"}, pgx.CopyFromRows(rows))
	if err != nil || copied != n {
		t.Fatalf("CopyFrom = %d, %v", copied, err)
	}
	e := wantKinds(t, statements(got), sqltrace.KindExec)[0]
	if want := `COPY "` + table + `" ("id", "name") FROM STDIN`; e.SQL != want || e.Rows != n || e.Err != nil || e.Args != nil {
		t.Errorf("event %q rows=%d err=%v args=%v, want %q rows=%d", e.SQL, e.Rows, e.Err, e.Args, want, n)
	}
	if e.ConnID == 0 || e.Duration <= 0 {
		t.Errorf("conn %d, duration %v", e.ConnID, e.Duration)
	}
	checkCaller(t, &e, file, line+1)

	t.Run("a failing copy is one event with its error", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			table pgx.Identifier
			rows  [][]any
		}{
			{"no such table", pgx.Identifier{"public", table + "_missing"}, rows[:1]},
			{"a duplicate key", pgx.Identifier{table}, [][]any{{int64(1), "dup"}}},
		} {
			got.Reset()
			_, err := pool.CopyFrom(ctx, c.table, []string{"id", "name"}, pgx.CopyFromRows(c.rows))
			if err == nil {
				t.Fatalf("%s: no error", c.name)
			}
			e := wantKinds(t, statements(got), sqltrace.KindExec)[0]
			if e.Err == nil || !strings.Contains(err.Error(), e.Err.Error()) || !strings.HasPrefix(e.SQL, "COPY "+c.table.Sanitize()) {
				t.Errorf("%s: %q err %v, want the error of CopyFrom: %v", c.name, e.SQL, e.Err, err)
			}
		}
	})
}
