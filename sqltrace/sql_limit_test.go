package sqltrace_test

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// sharesMemory reports whether kept points into orig's bytes, which would
// keep all of orig alive.
func sharesMemory(kept, orig string) bool {
	if len(kept) == 0 {
		return false
	}
	k, o := uintptr(unsafe.Pointer(unsafe.StringData(kept))), uintptr(unsafe.Pointer(unsafe.StringData(orig)))
	return k >= o && k < o+uintptr(len(orig))
}

func TestLongStatementsAreCappedInACopy(t *testing.T) {
	huge := "INSERT INTO t VALUES " + strings.Repeat("('é'),", 1<<20/7) + "('x')" // about 1 MiB
	for _, c := range []struct {
		name  string
		opts  []sqltrace.Option
		limit int
	}{
		{"by default", nil, sqltrace.DefaultMaxSQLLen},
		{"with a limit of its own", []sqltrace.Option{sqltrace.WithSQLLimit(1000)}, 1000},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, _ := openFake(t, memdb.Full, c.opts...)
			ctx, got := sqltrace.Capture(t.Context())
			if _, err := db.ExecContext(ctx, huge); err != nil {
				t.Fatal(err)
			}
			sqltrace.NewInstrument(c.opts...).Start(ctx, sqltrace.KindQuery, huge, nil).End(nil)
			op := sqltrace.NewInstrument(c.opts...).Start(ctx, sqltrace.KindQuery, "", nil)
			op.Event().SQL = huge // an integration that learns the text later (a pgx batch)
			op.End(nil)
			for i, e := range got.Events() {
				if len(e.SQL) > c.limit || len(e.SQL) < c.limit-3 || !e.SQLTruncated || !strings.HasPrefix(huge, e.SQL) {
					t.Errorf("event %d: %d bytes kept (truncated %v), want the first %d", i, len(e.SQL), e.SQLTruncated, c.limit)
				}
				if sharesMemory(e.SQL, huge) {
					t.Errorf("event %d keeps the whole statement alive", i)
				}
			}
			if n := len(got.Events()); n != 3 {
				t.Fatalf("%d events", n)
			}
		})
	}
	db, _ := openFake(t, memdb.Full)
	ctx, got := sqltrace.Capture(t.Context())
	if _, err := db.ExecContext(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if e := got.Events()[0]; e.SQL != "SELECT 1" || e.SQLTruncated {
		t.Errorf("a short statement: %q (truncated %v)", e.SQL, e.SQLTruncated)
	}
}
