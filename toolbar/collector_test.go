package toolbar

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
		fetch(t, tb, "/__debug__/api/requests/"+id)
		fetch(t, tb, "/__debug__/requests/"+id+"/panels/timer")
	}
	<-done
	var api struct {
		Late int `json:"late_events"`
	}
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/requests/"+id)), &api); err != nil || api.Late != late {
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
	rec, _ := tb.Store().Get(id)
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
	if err := json.Unmarshal([]byte(fetch(t, tb, "/__debug__/api/requests/"+id)), &api); err != nil || len(api.Queries) != 8 || !api.Queries[0].Truncated {
		t.Errorf("the JSON does not mark the statements truncated: %+v (%v)", api.Queries, err)
	}
	if body := fetch(t, tb, "/__debug__/requests/"+id+"/panels/sql"); !strings.Contains(body, `data-testid="query-sql-truncated"`) {
		t.Error("the SQL panel does not mark the statements truncated")
	}
}
