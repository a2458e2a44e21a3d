package toolbar

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestPoolStatsListTheDatabasesInUse(t *testing.T) {
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	db.SetMaxOpenConns(3)
	idle := sqltrace.OpenDB(&memdb.Connector{}) // never used: no connection open
	defer idle.Close()
	start := samplePools(nil)
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	var found int
	for _, p := range poolStats(start, false) {
		if p.MaxOpen == 3 {
			found++
			if p.Open != 1 || p.Idle != 1 || p.InUse != 0 || p.WaitCount != 0 {
				t.Errorf("pool %+v: want one idle connection and no wait", p)
			}
		}
		if p.Open == 0 {
			t.Errorf("pool %+v has no connection open: it should be left out", p)
		}
	}
	if found != 1 {
		t.Errorf("the database is listed %d times, want once", found)
	}
}

// BenchmarkPoolSampling is what an observed request pays for its pools:
// a sample at its start and one at its end, with one database open.
func BenchmarkPoolSampling(b *testing.B) {
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	if err := db.Ping(); err != nil {
		b.Fatal(err)
	}
	var buf [2]poolSample
	b.ReportAllocs()
	for b.Loop() {
		poolStats(samplePools(buf[:0]), false)
	}
}
