package toolbar

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestARecordKeepsOperationsWithinItsByteBudget(t *testing.T) {
	const budget = 1 << 20
	cfg := Config{MaxQueries: 1000, MaxCacheCalls: 1000, MaxSpans: 1000, MaxRecordBytes: budget}
	col := newCollector(&panels.Record{}, &cfg, newRedactor(nil))
	col.recordCache(CacheEvent{Op: "get", Key: strings.Repeat("k", 10<<10)}, sqltrace.Callers{})
	long := strings.Repeat("x", 60<<10)
	for range 100 { // 6 MiB of SQL text
		col.Record(sqltrace.Event{Kind: sqltrace.KindQuery, SQL: "SELECT '" + long + "'"})
	}
	col.finish(panels.Thresholds{})
	kept := len(col.rec.Queries)
	if kept == 0 || kept >= 100 || col.rec.QueriesDropped != 100-kept {
		t.Errorf("kept %d queries, dropped %d: want the budget to keep some and count the rest", kept, col.rec.QueriesDropped)
	}
	if st := col.rec.Stats; col.rec.StatementsDropped != 100-kept || st.Statements != 100 || st.Dropped != 100-kept {
		t.Errorf("statements dropped %d, stats %+v: want the 100 queries counted, %d of them dropped", col.rec.StatementsDropped, st, 100-kept)
	}
	if col.bytes > budget {
		t.Errorf("the record holds about %d bytes, over its budget of %d", col.bytes, budget)
	}
	if n := len(col.rec.Cache); n != 1 || len(col.rec.Cache[0].Key) > maxKeyBytes+len("…") {
		t.Errorf("cache events %d, key of %d bytes: want one, cut to %d", n, len(col.rec.Cache[0].Key), maxKeyBytes)
	}
}

func TestCacheCallsAndSpansHaveCapsOfTheirOwn(t *testing.T) {
	tb, err := New(Config{MaxCacheCalls: 2, MaxSpans: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		for i := range 5 {
			RecordCache(r.Context(), CacheEvent{Op: "get", Key: fmt.Sprint("k", i)})
			StartSpan(r.Context(), fmt.Sprint("span ", i))(nil)
		}
	}, httptest.NewRequest("GET", "/", nil))
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Cache) != 2 || rec.CacheDropped != 3 || len(rec.Spans) != 3 || rec.SpansDropped != 2 {
		t.Errorf("kept %d cache calls (%d dropped) and %d spans (%d dropped); want MaxCacheCalls 2 and MaxSpans 3 to keep 2 and 3 of 5",
			len(rec.Cache), rec.CacheDropped, len(rec.Spans), rec.SpansDropped)
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
	if rec.StatementsDropped != 100-kept || rec.Stats.Statements != 100 {
		t.Errorf("statements dropped %d, counted %d: want the 100 execs counted, %d of them dropped", rec.StatementsDropped, rec.Stats.Statements, 100-kept)
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

func sqlsOf(qs []panels.Query) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.SQL)
	}
	return out
}
