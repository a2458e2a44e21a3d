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
