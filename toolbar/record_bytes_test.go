package toolbar

import (
	"fmt"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestARecordKeepsOperationsWithinItsByteBudget(t *testing.T) {
	const budget = 1 << 20
	col := &collector{rec: &panels.Record{}, maxQ: 1000, maxCache: 1000, maxBytes: budget, redact: newRedactor(nil)}
	col.recordCache(panels.CacheEvent{Op: "get", Key: strings.Repeat("k", 10<<10)})
	long := strings.Repeat("x", 60<<10)
	for range 100 { // 6 MiB of SQL text
		col.Record(sqltrace.Event{Kind: sqltrace.KindQuery, SQL: "SELECT '" + long + "'"})
	}
	col.finish()
	kept := len(col.rec.Queries)
	if kept == 0 || kept >= 100 || col.rec.QueriesDropped != 100-kept {
		t.Errorf("kept %d queries, dropped %d: want the budget to keep some and count the rest", kept, col.rec.QueriesDropped)
	}
	if col.bytes > budget {
		t.Errorf("the record holds about %d bytes, over its budget of %d", col.bytes, budget)
	}
	if n := len(col.rec.Cache); n != 1 || len(col.rec.Cache[0].Key) > maxKeyBytes+len("…") {
		t.Errorf("cache events %d, key of %d bytes: want one, cut to %d", n, len(col.rec.Cache[0].Key), maxKeyBytes)
	}
}

func TestTheOutsideEntryKeepsTheNewestWithinItsCaps(t *testing.T) {
	const budget = 1 << 20
	o := newOutside(1000, budget, newRedactor(nil))
	long := strings.Repeat("x", 60<<10)
	for i := range 100 { // 6 MiB of SQL text
		o.Record(sqltrace.Event{Kind: sqltrace.KindExec, SQL: fmt.Sprintf("UPDATE jobs SET v = '%s' -- %d", long, i)})
	}
	rec, ok := o.record(panels.Thresholds{})
	if !ok {
		t.Fatal("no outside entry")
	}
	kept := len(rec.Queries)
	if kept == 0 || kept >= 100 || rec.QueriesDropped != 100-kept || o.bytes > budget {
		t.Errorf("kept %d (%d bytes), dropped %d: want the newest within %d bytes, the rest counted", kept, o.bytes, rec.QueriesDropped, budget)
	}
	if last := rec.Queries[kept-1].SQL; !strings.HasSuffix(last, "-- 99") {
		t.Errorf("the newest kept is %q…, want the last one recorded", last[len(last)-8:])
	}
	o2 := newOutside(3, budget, newRedactor(nil))
	for i := range 5 {
		o2.Record(sqltrace.Event{Kind: sqltrace.KindExec, SQL: fmt.Sprint("UPDATE ", i)})
	}
	if rec, _ := o2.record(panels.Thresholds{}); len(rec.Queries) != 3 || rec.Queries[0].SQL != "UPDATE 2" || rec.QueriesDropped != 2 {
		t.Errorf("with a cap of 3 kept %v, dropped %d; want UPDATE 2, 3, 4 and 2 dropped", sqlsOf(rec.Queries), rec.QueriesDropped)
	}
}

func sqlsOf(events []sqltrace.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.SQL)
	}
	return out
}
