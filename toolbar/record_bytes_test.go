package toolbar

import (
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
