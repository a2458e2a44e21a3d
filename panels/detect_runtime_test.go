package panels_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

const ms = time.Millisecond

// call is an outgoing GET of path that began at start and took d.
func call(path string, start, d time.Duration) panels.Span {
	return panels.Span{Name: "GET api" + path, Start: start, Duration: d, Stack: -1,
		HTTP: &panels.HTTPCall{Method: "GET", URL: "http://api" + path, Host: "api", Path: path, Status: 200}}
}

// finished is a finished record of a 200 ms request with these
// operations.
func finished(queries []panels.Query, spans ...panels.Span) *panels.Record {
	r := &panels.Record{Start: recordtest.T0, Duration: 200 * ms, Queries: queries, Spans: spans}
	r.Finish(panels.Thresholds{})
	return r
}

func alertOf(r *panels.Record, k panels.AlertKind) []panels.Alert {
	var out []panels.Alert
	for _, a := range r.Alerts {
		if a.Kind == k {
			out = append(out, a)
		}
	}
	return out
}

func TestSerialHTTPCalls(t *testing.T) {
	for _, c := range []struct {
		name    string
		spans   []panels.Span
		queries []panels.Query
		want    [][]int32 // the runs reported
	}{
		{name: "three calls one after another are one run",
			spans: []panels.Span{call("/a", 0, 10*ms), call("/b", 11*ms, 10*ms), call("/c", 22*ms, 10*ms)},
			want:  [][]int32{{0, 1, 2}}},
		{name: "calls that overlap already run together",
			spans: []panels.Span{call("/a", 0, 10*ms), call("/b", 1*ms, 10*ms), call("/c", 2*ms, 10*ms)}},
		{name: "the same URL again starts a new run",
			spans: []panels.Span{call("/a", 0, 10*ms), call("/a", 11*ms, 10*ms), call("/b", 22*ms, 10*ms)},
			want:  [][]int32{{1, 2}}},
		{name: "a query between two calls breaks the run",
			spans:   []panels.Span{call("/a", 0, 10*ms), call("/b", 12*ms, 10*ms)},
			queries: []panels.Query{queryAt("SELECT 1", 10500*time.Microsecond, ms)}},
		{name: "calls too short to be worth running together are not reported",
			spans: []panels.Span{call("/a", 0, 500*time.Microsecond), call("/b", ms, 500*time.Microsecond)}},
		{name: "spans that are not outgoing calls are not calls",
			spans: []panels.Span{{Name: "render", Duration: 10 * ms, Stack: -1}, {Name: "encode", Start: 11 * ms, Duration: 10 * ms, Stack: -1}}},
		{name: "they are found in the order they started",
			spans: []panels.Span{call("/c", 22*ms, 10*ms), call("/a", 0, 10*ms), call("/b", 11*ms, 10*ms)},
			want:  [][]int32{{1, 2, 0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := finished(c.queries, c.spans...)
			got := alertOf(r, panels.AlertSerialHTTP)
			if len(got) != len(c.want) {
				t.Fatalf("%d serial_http_calls alerts, want %d: %+v", len(got), len(c.want), got)
			}
			for i, a := range got {
				if !equal(a.Spans, c.want[i]) || a.Severity != panels.Warning || !strings.Contains(a.Fix, "errgroup") || strings.Contains(a.Message, "\n") {
					t.Errorf("alert %+v: want spans %v, a warning, one line and errgroup in the fix", a, c.want[i])
				}
			}
		})
	}
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// queryAt is a query that began at start.
func queryAt(sql string, start, d time.Duration) panels.Query {
	x := q(sql, d)
	x.Start = start
	return x
}

// tx is a transaction's begin, an update and its end (commit, or none
// when end is 0), from start to stop, as the toolbar records them.
func tx(n int32, start, stop time.Duration, end sqltrace.Kind) []panels.Query {
	ops := []panels.Query{
		{Kind: sqltrace.KindBegin, Tx: n, Conn: 1, Start: start, Duration: 100 * time.Microsecond, Shape: -1, Stack: -1},
		{Kind: sqltrace.KindExec, SQL: "UPDATE posts SET views = views + 1", Tx: n, Conn: 1, Start: start + ms, Duration: ms, Shape: -1, Stack: -1},
	}
	if end != 0 {
		ops = append(ops, panels.Query{Kind: end, Tx: n, Conn: 1, Start: stop, Duration: 100 * time.Microsecond, Shape: -1, Stack: -1})
	} else {
		ops[0].TxOpen = true
	}
	return ops
}

func TestTransactionAlerts(t *testing.T) {
	t.Run("a transaction left open is one open_transaction", func(t *testing.T) {
		r := finished(append(tx(1, 0, 0, 0), tx(2, 10*ms, 20*ms, sqltrace.KindCommit)...))
		got := alertOf(r, panels.AlertOpenTransaction)
		if len(got) != 1 || !equal(got[0].Queries, []int32{0, 1}) || got[0].Severity != panels.Danger || !strings.Contains(got[0].Fix, "defer tx.Rollback()") {
			t.Errorf("alerts %+v: want one open_transaction about the first transaction, danger, with the fix", r.Alerts)
		}
	})
	t.Run("a call inside a transaction, and one after it", func(t *testing.T) {
		r := finished(tx(1, 0, 50*ms, sqltrace.KindRollback), call("/rates", 5*ms, 30*ms), call("/notify", 60*ms, 10*ms))
		got := alertOf(r, panels.AlertTxAcrossHTTP)
		if len(got) != 1 || !equal(got[0].Spans, []int32{0}) || !equal(got[0].Queries, []int32{0, 1, 2}) || len(alertOf(r, panels.AlertOpenTransaction)) != 0 {
			t.Errorf("alerts %+v: want one transaction_across_http about the call to /rates", r.Alerts)
		}
	})
	t.Run("an open transaction lasts to the request's end", func(t *testing.T) {
		r := finished(tx(1, 0, 0, 0), call("/late", 150*ms, 30*ms))
		if got := alertOf(r, panels.AlertTxAcrossHTTP); len(got) != 1 {
			t.Errorf("alerts %+v: want the call within the open transaction", r.Alerts)
		}
	})
}

func TestPoolWaitAlerts(t *testing.T) {
	t.Run("pgxpool's slow acquires are exact", func(t *testing.T) {
		acquire := panels.Query{Kind: sqltrace.KindAcquire, Start: ms, Duration: 150 * ms, Shape: -1, Stack: -1}
		r := finished([]panels.Query{acquire, queryAt("SELECT 1", 152*ms, ms)})
		got := alertOf(r, panels.AlertPoolWait)
		if len(got) != 1 || !equal(got[0].Queries, []int32{0}) || got[0].Severity != panels.Danger || !strings.Contains(got[0].Message, "Waited 150ms") {
			t.Errorf("alerts %+v: want one pool_wait about the acquire, danger from 100ms on", r.Alerts)
		}
	})
	t.Run("database/sql's waits name the transactions that held connections, the longest first", func(t *testing.T) {
		r := &panels.Record{Start: recordtest.T0, Duration: 200 * ms,
			Queries: append(tx(1, 0, 5*ms, sqltrace.KindCommit), tx(2, 10*ms, 90*ms, sqltrace.KindCommit)...),
			Pools:   []panels.PoolStats{{Name: "sqlite", MaxOpen: 1, Open: 1, InUse: 0, Idle: 1, WaitCount: 1, WaitDuration: 40 * ms, Overlapped: true}, {Name: "idle", Open: 2, Idle: 2}}}
		r.Finish(panels.Thresholds{})
		got := alertOf(r, panels.AlertPoolWait)
		if len(got) != 1 || !equal(got[0].Queries, []int32{3, 0}) || got[0].Severity != panels.Warning ||
			!strings.Contains(got[0].Message, "sqlite's pool (max 1 open) made 1 wait, 40ms") || !strings.Contains(got[0].Message, "some waits may be theirs") {
			t.Errorf("alerts %+v: want one pool_wait naming both begins, the longer first, and the overlap", r.Alerts)
		}
	})
	t.Run("a request that used no database is not blamed for the pool's waits", func(t *testing.T) {
		r := &panels.Record{Pools: []panels.PoolStats{{Name: "sqlite", Open: 1, InUse: 1, MaxOpen: 1, WaitCount: 3, WaitDuration: 9 * ms, Overlapped: true}}}
		r.Finish(panels.Thresholds{})
		if len(r.Alerts) != 0 {
			t.Errorf("alerts %+v, want none", r.Alerts)
		}
	})
	t.Run("no wait, no alert", func(t *testing.T) {
		r := &panels.Record{Pools: []panels.PoolStats{{Name: "sqlite", Open: 3, InUse: 3, MaxOpen: 3}}}
		r.Finish(panels.Thresholds{})
		if len(r.Alerts) != 0 {
			t.Errorf("alerts %+v, want none", r.Alerts)
		}
	})
}

func TestRuntimeFieldsRoundTripThroughJSON(t *testing.T) {
	r := &panels.Record{ID: "x", Start: recordtest.T0, Duration: 200 * ms,
		Queries: tx(1, 0, 0, 0),
		Spans:   []panels.Span{call("/a", 0, 10*ms), call("/b", 11*ms, 10*ms), {Name: "render", Start: 30 * ms, Duration: ms, Stack: -1}},
		Pools:   []panels.PoolStats{{Name: "sqlite", MaxOpen: 1, Open: 1, InUse: 1, WaitCount: 2, WaitDuration: 3 * ms, Overlapped: true}}}
	r.Finish(panels.Thresholds{})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back panels.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatalf("the record does not round-trip:\n%s\n%s", b, again)
	}
	if !back.Queries[0].TxOpen || back.Spans[1].HTTP == nil || *back.Spans[1].HTTP != *r.Spans[1].HTTP || back.Spans[2].HTTP != nil || back.Pools[0] != r.Pools[0] {
		t.Errorf("decoded %+v %+v %+v", back.Queries[0], back.Spans, back.Pools)
	}
	// Analysed again, the decoded record gives the same alerts.
	back.Finish(panels.Thresholds{})
	if got, want := kindsOf(back.Alerts), kindsOf(r.Alerts); len(got) != len(want) || got[panels.AlertSerialHTTP] != 1 || got[panels.AlertOpenTransaction] != 1 || got[panels.AlertPoolWait] != 1 || got[panels.AlertTxAcrossHTTP] != 1 {
		t.Errorf("alerts of the decoded record %v, of the original %v", got, want)
	}
}
