package panels_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// q is a query of sql that took d, for the tables.
var q = recordtest.Query

func kindsOf(alerts []panels.Alert) map[panels.AlertKind]int {
	m := map[panels.AlertKind]int{}
	for _, a := range alerts {
		m[a.Kind]++
	}
	return m
}

func TestAnalyze(t *testing.T) {
	nPlusOne := []panels.Query{q("SELECT id FROM posts", time.Millisecond)}
	for i := range 6 {
		nPlusOne = append(nPlusOne, q("SELECT name FROM authors WHERE id = ?", time.Millisecond, int64(i)))
	}
	for _, c := range []struct {
		name    string
		queries []panels.Query
		dropped int
		want    map[panels.AlertKind]int
	}{
		{"a clean request has no alerts", []panels.Query{q("SELECT 1", time.Millisecond)}, 0, map[panels.AlertKind]int{}},
		{"the same shape with other values is an N+1", nPlusOne, 0, map[panels.AlertKind]int{panels.AlertNPlusOne: 1}},
		{"the same SQL and arguments twice is a duplicate, not an N+1",
			[]panels.Query{q("SELECT a FROM t WHERE id = ?", 0, int64(1)), q("SELECT a FROM t WHERE id = ?", 0, int64(1))}, 0,
			map[panels.AlertKind]int{panels.AlertDuplicate: 1}},
		{"a slow query", []panels.Query{q("SELECT pg_sleep(1)", 150*time.Millisecond)}, 0, map[panels.AlertKind]int{panels.AlertSlowQuery: 1}},
		{"slow runs of one statement from one line are one alert", []panels.Query{q("SELECT pg_sleep(?)", 150*time.Millisecond, int64(1)), q("SELECT pg_sleep(?)", 250*time.Millisecond, int64(2))}, 0,
			map[panels.AlertKind]int{panels.AlertSlowQuery: 1}},
		{"two slow statements are two alerts", []panels.Query{q("SELECT pg_sleep(1)", 150*time.Millisecond), q("SELECT count(*) FROM big", 150*time.Millisecond)}, 0,
			map[panels.AlertKind]int{panels.AlertSlowQuery: 2}},
		{"a failed query", []panels.Query{{Kind: sqltrace.KindExec, SQL: "UPDATE", Err: "boom", Stack: -1}}, 0, map[panels.AlertKind]int{panels.AlertQueryErrors: 1}},
		{"dropped queries are reported", nil, 3, map[panels.AlertKind]int{panels.AlertQueriesCapped: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := kindsOf(recordtest.Analyze(&panels.Record{Queries: c.queries, QueriesDropped: c.dropped}, panels.Thresholds{}))
			if len(got) != len(c.want) {
				t.Fatalf("alerts = %v, want %v", got, c.want)
			}
			for k, n := range c.want {
				if got[k] != n {
					t.Errorf("alerts = %v, want %v", got, c.want)
				}
			}
		})
	}
	t.Run("a slow statement's alert counts its runs and names the slowest", func(t *testing.T) {
		alerts := recordtest.Analyze(&panels.Record{Queries: []panels.Query{
			q("SELECT pg_sleep(?)", 150*time.Millisecond, int64(1)), q("SELECT 1", 0), q("SELECT pg_sleep(?)", 250*time.Millisecond, int64(2)),
		}}, panels.Thresholds{})
		for _, a := range alerts {
			if a.Kind == panels.AlertSlowQuery && (!slices.Equal(a.Queries, []int32{0, 2}) || !strings.HasPrefix(a.Message, "Slow query, 2 times (up to 250ms) at ")) {
				t.Errorf("slow alert %v: %q", a.Queries, a.Message)
			}
		}
	})
	t.Run("many queries", func(t *testing.T) {
		var qs []panels.Query
		for i := range 60 {
			qs = append(qs, q("SELECT 1", 0, int64(i)))
		}
		if got := kindsOf(recordtest.Analyze(&panels.Record{Queries: qs}, panels.Thresholds{TooManyQueries: 50, NPlusOne: 100})); got[panels.AlertTooManyQueries] != 1 {
			t.Errorf("alerts = %v", got)
		}
	})
}

func TestDuplicatesAreOneAlertPerShapeAndNotRepeatedUnderAnNPlusOne(t *testing.T) {
	var qs []panels.Query
	for i := range 10 { // 10 lookups of 2 authors: an N+1 that also repeats
		qs = append(qs, q("SELECT name FROM authors WHERE id = ?", 0, int64(i%2)))
	}
	qs = append(qs, q("SELECT 1 FROM t WHERE a = ?", 0, int64(1)), q("SELECT 1 FROM t WHERE a = ?", 0, int64(1)),
		q("SELECT 1 FROM t WHERE a = ?", 0, int64(2)), q("SELECT 1 FROM t WHERE a = ?", 0, int64(2)))
	got := kindsOf(recordtest.Analyze(&panels.Record{Queries: qs}, panels.Thresholds{NPlusOne: 5}))
	if got[panels.AlertNPlusOne] != 1 || got[panels.AlertDuplicate] != 1 || len(got) != 2 {
		t.Errorf("alerts = %v, want one N+1 and one duplicate alert", got)
	}
}

func TestTheRecordsLevelIsItsWorstAlert(t *testing.T) {
	for _, c := range []struct {
		name string
		rec  *panels.Record
		want panels.Severity
	}{
		{"no alerts is info", &panels.Record{Queries: []panels.Query{q("SELECT 1", 0)}}, panels.Info},
		{"a failed query is danger over the warning of a slow one", &panels.Record{Queries: []panels.Query{
			q("SELECT pg_sleep(1)", time.Second), {Kind: sqltrace.KindExec, SQL: "UPDATE t SET a = 1", Err: "boom", Stack: -1}}}, panels.Danger},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.rec.Finish(panels.Thresholds{})
			if got := c.rec.Stats.Level; got != c.want {
				t.Errorf("Level = %v, want %v", got, c.want)
			}
			if got := c.rec.Summary().Level; got != c.want {
				t.Errorf("the summary's level = %v, want %v", got, c.want)
			}
		})
	}
}

func TestSpansSideBySideCountOnce(t *testing.T) {
	ms := time.Millisecond
	r := &panels.Record{Spans: []panels.Span{
		{Name: "a", Start: 0, Duration: 30 * ms}, {Name: "b", Start: 5 * ms, Duration: 30 * ms}, // together 0-35
		{Name: "c", Start: 50 * ms, Duration: 10 * ms}, {Name: "d", Start: 52 * ms, Duration: 2 * ms}, // 50-60
	}}
	r.Finish(panels.Thresholds{})
	if r.Stats.SpanTime != 45*ms {
		t.Errorf("span time %v, want 45ms (35 + 10: overlaps count once)", r.Stats.SpanTime)
	}
}

// TestStatsCountDistinctTransactionsAndConnections: numbers met again
// count once, and numbers past the first 128 count too.
func TestStatsCountDistinctTransactionsAndConnections(t *testing.T) {
	var qs []panels.Query
	for _, n := range []int32{1, 3, 3, 200, 1, 0, 129, 200} {
		x := q("SELECT 1", time.Millisecond)
		x.Tx, x.Conn = n, n/2
		qs = append(qs, x)
	}
	rec := &panels.Record{Queries: qs}
	rec.Finish(panels.Thresholds{})
	if got := rec.Stats.Transactions; got != 4 { // 1, 3, 129, 200
		t.Errorf("Transactions = %d, want 4", got)
	}
	if got := rec.Stats.Connections; got != 3 { // 1, 64, 100; 0 is none
		t.Errorf("Connections = %d, want 3", got)
	}
}

// TestGroupsPastTheShortList: a request with more texts, shapes and
// distinct statements than group keeps in its short lists groups as a
// plain reading of the definitions does.
func TestGroupsPastTheShortList(t *testing.T) {
	var qs []panels.Query
	for i := range 300 {
		table := i % 40
		if i%7 == 0 { // a literal instead of a placeholder: another text, the same shape
			qs = append(qs, q(fmt.Sprintf("SELECT a FROM t%d WHERE id = %d", table, i%5), 0))
			continue
		}
		qs = append(qs, q(fmt.Sprintf("SELECT a FROM t%d WHERE id = ?", table), 0, int64(i%90)))
	}
	rec := &panels.Record{Queries: qs}
	rec.Finish(panels.Thresholds{})

	var wantShapes [][]int32 // by table, in the order first met
	for i := range qs {
		if i < 40 {
			wantShapes = append(wantShapes, nil)
		}
		wantShapes[i%40] = append(wantShapes[i%40], int32(i))
	}
	if len(rec.Shapes) != len(wantShapes) {
		t.Fatalf("%d shapes, want %d", len(rec.Shapes), len(wantShapes))
	}
	for s, want := range wantShapes {
		if got := rec.Shapes[s].Queries; !slices.Equal(got, want) {
			t.Errorf("shape %d (%s) = %v, want %v", s, rec.Shapes[s].Fingerprint, got, want)
		}
	}

	firsts := map[string]int{} // SQL and arguments -> the duplicate group's index in want
	var wantDups [][]int32
	seen := map[string]int32{}
	for i, x := range qs {
		k := x.SQL + "\x00" + fmt.Sprint(x.Args())
		f, ok := seen[k]
		if !ok {
			seen[k] = int32(i)
			continue
		}
		g, ok := firsts[k]
		if !ok {
			g = len(wantDups)
			firsts[k] = g
			wantDups = append(wantDups, []int32{f})
		}
		wantDups[g] = append(wantDups[g], int32(i))
	}
	slices.SortFunc(wantDups, func(a, b []int32) int { return int(a[0] - b[0]) })
	if len(rec.Duplicates) != len(wantDups) {
		t.Fatalf("%d duplicate groups, want %d", len(rec.Duplicates), len(wantDups))
	}
	for g, want := range wantDups {
		if got := rec.Duplicates[g]; !slices.Equal(got, want) {
			t.Errorf("duplicate group %d = %v, want %v", g, got, want)
		}
	}
}
