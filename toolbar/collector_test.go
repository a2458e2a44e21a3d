package toolbar

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// TestLateEventsAreCountedWhileTheRecordIsRead records from a goroutine
// that outlives its request while the JSON API and the Timer panel read
// the record (run it with -race).
func TestLateEventsAreCountedWhileTheRecordIsRead(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	const late = 200
	release, done := make(chan struct{}), make(chan struct{})
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		go func() {
			defer close(done)
			<-release
			for range late {
				RecordCache(ctx, CacheEvent{Op: "get", Key: "k"})
			}
		}()
	}, httptest.NewRequest("GET", "/", nil))
	id := w.Header().Get("X-Debug-Token")
	close(release)
	for range 20 {
		fetch(t, tb, "/__debug__/api/v1/requests/"+id)
		fetch(t, tb, "/__debug__/requests/"+id+"/panels/timer")
	}
	<-done
	var api struct {
		Late int `json:"late_events"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/v1/requests/"+id)), &api); err != nil || api.Late != late {
		t.Errorf("late_events = %d (%v), want %d", api.Late, err, late)
	}
	if body := fetch(t, tb, "/__debug__/requests/"+id+"/panels/timer"); !strings.Contains(body, "200 events arrived after") {
		t.Errorf("the Timer panel does not count the late events:\n%s", body)
	}
}

// TestLongStatementsAreKeptCutAndMarked runs the 2 MiB statements of a
// bulk insert; the record keeps the first 64 KiB of each, and says so.
func TestLongStatementsAreKeptCutAndMarked(t *testing.T) {
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	huge := "INSERT INTO t VALUES " + strings.Repeat("(1),", 2<<20/4)
	in := sqltrace.NewInstrument()
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		for range 8 {
			in.Start(r.Context(), sqltrace.KindExec, huge, nil).End(nil)
		}
	}, httptest.NewRequest("GET", "/", nil))
	id := w.Header().Get("X-Debug-Token")
	rec, err := tb.Record(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, q := range rec.Queries {
		kept += len(q.SQL)
	}
	if kept > 8*sqltrace.DefaultMaxSQLLen {
		t.Errorf("8 statements of 2 MiB keep %d KiB", kept>>10)
	}
	var api struct {
		Queries []struct {
			Truncated bool `json:"sql_truncated"`
		} `json:"queries"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/v1/requests/"+id)), &api); err != nil || len(api.Queries) != 8 || !api.Queries[0].Truncated {
		t.Errorf("the JSON does not mark the statements truncated: %+v (%v)", api.Queries, err)
	}
	if body := fetch(t, tb, "/__debug__/requests/"+id+"/panels/sql"); !strings.Contains(body, `data-testid="query-sql-truncated"`) {
		t.Error("the SQL panel does not mark the statements truncated")
	}
}

// TestEveryViewCountsTheSameStatements runs more operations than the
// record keeps: the record's stats, the toolbar's data, the history (JSON
// and page) and the SQL panel all show one count of statements, the
// dropped ones included.
func TestEveryViewCountsTheSameStatements(t *testing.T) {
	tb, err := New(Config{MaxQueries: 4, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	in := sqltrace.NewInstrument()
	w := observe(t, tb, func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		in.Start(ctx, sqltrace.KindBegin, "", nil).End(nil)
		for i := range 6 {
			in.Start(ctx, sqltrace.KindQuery, "SELECT * FROM posts WHERE id = ?", []any{int64(i + 1)}).End(nil)
		}
		in.Start(ctx, sqltrace.KindCommit, "", nil).End(nil)
	}, httptest.NewRequest("GET", "/posts", nil))
	id := w.Header().Get("X-Debug-Token")

	// Kept: the begin and 3 queries; dropped: 3 queries and the commit.
	rec, err := tb.Record(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Queries) != 4 || rec.QueriesDropped != 4 || rec.StatementsDropped != 3 || rec.Stats.Statements != 6 || rec.Stats.Reads != 3 {
		t.Fatalf("kept %d, dropped %d (%d statements), stats %+v; want 4 kept, 4 dropped (3 statements), 6 statements, 3 reads",
			len(rec.Queries), rec.QueriesDropped, rec.StatementsDropped, rec.Stats)
	}

	var api struct {
		Version int `json:"version"`
		Queries []struct {
			Kind string `json:"kind"`
			Args []struct {
				Type  string `json:"type"`
				Value any    `json:"value"`
			} `json:"args"`
		} `json:"queries"`
		QueriesDropped    int `json:"queries_dropped"`
		StatementsDropped int `json:"statements_dropped"`
		Stats             struct {
			Statements int `json:"query_count"`
		} `json:"stats"`
		Alerts []struct {
			Kind     string `json:"kind"`
			Message  string `json:"message"`
			Severity string `json:"severity"`
		} `json:"alerts"`
	}
	body := []byte(fetch(t, tb, "/__debug__/api/v1/requests/"+id))
	if err := json.Unmarshal(body, &api); err != nil {
		t.Fatal(err)
	}
	var back panels.Record // the encoding a store keeps, too
	if err := json.Unmarshal(body, &back); err != nil || back.Stats != rec.Stats || len(back.Queries) != 4 {
		t.Errorf("the JSON record decodes to stats %+v, %d queries (%v); want %+v, 4", back.Stats, len(back.Queries), err, rec.Stats)
	}
	if api.Version != panels.RecordVersion || len(api.Queries) != 4 || api.QueriesDropped != 4 || api.StatementsDropped != 3 || api.Stats.Statements != 6 {
		t.Errorf("the JSON record: version %d, %d queries, %d dropped (%d statements), query_count %d; want %d, 4, 4 (3), 6",
			api.Version, len(api.Queries), api.QueriesDropped, api.StatementsDropped, api.Stats.Statements, panels.RecordVersion)
	}
	if q := api.Queries; len(q) == 4 && (q[0].Kind != "begin" || q[1].Kind != "query" || len(q[1].Args) != 1 || q[1].Args[0].Type != "int64" || q[1].Args[0].Value != float64(1)) {
		t.Errorf("the JSON queries = %+v; want begin, then query with the argument {int64 1}", q)
	}
	const dropped = "4 more operations were not kept (the per-request cap): the counts include them, the list does not"
	found := false
	for _, a := range api.Alerts {
		found = found || a.Kind == string(panels.AlertQueriesCapped) && a.Message == dropped && a.Severity == "info"
	}
	if !found {
		t.Errorf("the JSON alerts %+v lack the info alert %q", api.Alerts, dropped)
	}

	var data struct {
		Statements int `json:"query_count"`
		Panels     []struct {
			ID      string `json:"id"`
			Summary string `json:"summary"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/v1/requests/"+id+"/toolbar")), &data); err != nil || data.Statements != 6 {
		t.Errorf("the toolbar's data: query_count %d (%v), want 6", data.Statements, err)
	}
	for _, p := range data.Panels {
		if p.ID == "sql" && !strings.HasPrefix(p.Summary, "6 queries") {
			t.Errorf("the SQL panel's summary is %q, want 6 queries", p.Summary)
		}
	}

	var list struct {
		Version  int `json:"version"`
		Requests []struct {
			ID         string `json:"id"`
			Statements int    `json:"query_count"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/v1/requests")), &list); err != nil || list.Version != panels.RecordVersion ||
		len(list.Requests) != 1 || list.Requests[0].ID != id || list.Requests[0].Statements != 6 {
		t.Errorf("the JSON history: %+v (%v); want version %d and this request with query_count 6", list, err, panels.RecordVersion)
	}

	for _, v := range []struct{ path, testid, want string }{
		{"/__debug__/", "history-queries", "6"},
		{"/__debug__/requests/" + id + "/panels/sql", "sql-queries", "Queries 6"},
	} {
		if got := testIDText(t, fetch(t, tb, v.path), v.testid); len(got) != 1 || got[0] != v.want {
			t.Errorf("%s: data-testid=%q shows %q, want %q", v.path, v.testid, got, v.want)
		}
	}
}
