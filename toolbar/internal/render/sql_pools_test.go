package render

import (
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestSQLPanelShowsEachDatabasesPool(t *testing.T) {
	rec := recordtest.Realistic()
	rec.Pools = []panels.PoolStats{
		{Name: "sqlite", MaxOpen: 1, Open: 1, InUse: 1},
		{Name: "pgx", Open: 4, InUse: 1, Idle: 3, WaitCount: 2, WaitDuration: 12 * time.Millisecond, Overlapped: true},
	}
	lines := byTestID(renderHTML(t, sqlPanel{}.Content(rec)), "sql-pool")
	want := []string{
		"sqlite pool: 1 open (1 in use, 0 idle), max 1",
		"pgx pool: 4 open (1 in use, 3 idle), max unlimited · 2 waits, 12.0 ms (other requests ran meanwhile)",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d pool lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		if got := squash(l); got != want[i] {
			t.Errorf("pool line %d = %q, want %q", i, got, want[i])
		}
	}
	if n := len(byTestID(renderHTML(t, sqlPanel{}.Content(recordtest.Realistic())), "sql-pool")); n != 0 {
		t.Errorf("a record without pools shows %d pool lines", n)
	}
}
