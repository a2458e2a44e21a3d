package toolbartest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// TestEveryViewShowsTheRecordsOwnCounts runs a page whose queries
// overflow the per-request cap and that runs two transactions, after
// other requests ran transactions of their own (so the driver's
// transaction ids are not 1 and 2), and reads its counts in every place
// the toolbar shows them: the handle's data in the page, the toolbar's
// data, the history (JSON and HTML), the record's JSON, the SQL and Timer
// panels, and the Server-Timing header.
func TestEveryViewShowsTheRecordsOwnCounts(t *testing.T) {
	db, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "counts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c')`); err != nil {
		t.Fatal(err)
	}
	tx := func(ctx context.Context, commit bool) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Error(err)
			return
		}
		tx.ExecContext(ctx, "UPDATE t SET v = v WHERE id = ?", 1)
		if commit {
			tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	for range 5 { // transactions before the page's own
		tx(context.Background(), true)
	}
	const (
		queries = 12
		maxQ    = 10
		dropped = queries - (maxQ - 6) // the two transactions' six events are kept first
		total   = 2 + queries          // the statements: one per transaction, and the queries
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		tx(r.Context(), true)
		tx(r.Context(), false)
		for i := range queries {
			var v string
			db.QueryRowContext(r.Context(), "SELECT v FROM t WHERE id = ?", i%3+1).Scan(&v)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body><p>counts</p></body></html>")
	})
	tb, err := toolbar.New(toolbar.Config{MaxQueries: maxQ})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tb.Middleware(mux))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := resp.Header.Get("X-Debug-Token")

	// The record, as the JSON API gives it: the reference.
	var rec struct {
		Stats struct {
			Queries      int   `json:"query_count"`
			Dropped      int   `json:"dropped"`
			Transactions int   `json:"transactions"`
			SQLNS        int64 `json:"sql_ns"`
		} `json:"stats"`
		Queries []struct {
			Kind       string `json:"kind"`
			Tx         int    `json:"tx"`
			DurationNS int64  `json:"duration_ns"`
		} `json:"queries"`
		Alerts []json.RawMessage `json:"alerts"`
	}
	countsJSON(t, srv.URL+"/__debug__/api/v1/requests/"+id, &rec)
	if rec.Stats.Queries != total || rec.Stats.Dropped != dropped || len(rec.Queries) != maxQ || rec.Stats.Transactions != 2 {
		t.Fatalf("record: %d queries (%d dropped), %d kept, %d transactions; want %d (%d), %d, 2",
			rec.Stats.Queries, rec.Stats.Dropped, len(rec.Queries), rec.Stats.Transactions, total, dropped, maxQ)
	}
	var sum int64
	var txs []int
	for _, q := range rec.Queries {
		sum += q.DurationNS
		if q.Tx != 0 && !slices.Contains(txs, q.Tx) {
			txs = append(txs, q.Tx)
		}
	}
	if sum != rec.Stats.SQLNS || !slices.Equal(txs, []int{1, 2}) {
		t.Errorf("record: SQL time %d ns for queries summing to %d; transactions numbered %v, want [1 2]", rec.Stats.SQLNS, sum, txs)
	}
	want := strconv.Itoa(total)

	t.Run("the handle's data in the page", func(t *testing.T) {
		doc, err := html.Parse(strings.NewReader(string(page)))
		if err != nil {
			t.Fatal(err)
		}
		var data struct {
			Record struct {
				Queries int `json:"query_count"`
				Alerts  int `json:"alert_count"`
			} `json:"record"`
		}
		script := countsByID(doc, "debugtoolbar-data")
		if script == nil || script.FirstChild == nil {
			t.Fatalf("no debugtoolbar-data script in the page:\n%s", page)
		}
		if err := json.Unmarshal([]byte(script.FirstChild.Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.Record.Queries != total || data.Record.Alerts != len(rec.Alerts) {
			t.Errorf("the handle shows %d queries and %d alerts, want %d and %d", data.Record.Queries, data.Record.Alerts, total, len(rec.Alerts))
		}
	})
	t.Run("the toolbar's data and the SQL panel's summary", func(t *testing.T) {
		var data struct {
			Queries int `json:"query_count"`
			Panels  []struct{ ID, Summary string }
		}
		countsJSON(t, srv.URL+"/__debug__/api/v1/requests/"+id+"/toolbar", &data)
		if data.Queries != total {
			t.Errorf("query_count %d, want %d", data.Queries, total)
		}
		for _, p := range data.Panels {
			if p.ID == "sql" && !strings.HasPrefix(p.Summary, want+" queries") {
				t.Errorf("the SQL panel's summary reads %q, want %s queries", p.Summary, want)
			}
		}
	})
	t.Run("the history", func(t *testing.T) {
		var list struct {
			Requests []struct {
				ID      string `json:"id"`
				Queries int    `json:"query_count"`
				Alerts  int    `json:"alert_count"`
			} `json:"requests"`
		}
		countsJSON(t, srv.URL+"/__debug__/api/v1/requests", &list)
		i := slices.IndexFunc(list.Requests, func(s struct {
			ID      string `json:"id"`
			Queries int    `json:"query_count"`
			Alerts  int    `json:"alert_count"`
		}) bool {
			return s.ID == id
		})
		if i < 0 || list.Requests[i].Queries != total || list.Requests[i].Alerts != len(rec.Alerts) {
			t.Errorf("the history's JSON lists %+v, want %d queries and %d alerts", list.Requests, total, len(rec.Alerts))
		}
		doc := countsHTML(t, srv.URL+"/__debug__/")
		for _, row := range countsAll(doc, "data-testid", "history-row") {
			if countsAttr(row, "data-id") == id {
				if got := countsText(countsAll(row, "data-testid", "history-queries")[0]); got != want {
					t.Errorf("the history page shows %s queries, want %s", got, want)
				}
				return
			}
		}
		t.Errorf("the history page has no row for %s", id)
	})
	t.Run("the SQL panel", func(t *testing.T) {
		doc := countsHTML(t, srv.URL+"/__debug__/requests/"+id+"/panels/sql")
		for testid, w := range map[string]string{"sql-queries": want, "sql-transactions": "2"} {
			if got := countsText(countsAll(countsAll(doc, "data-testid", testid)[0], "", "dd")[0]); got != w {
				t.Errorf("%s reads %s, want %s", testid, got, w)
			}
		}
		rows := countsAll(doc, "data-testid", "query")
		if len(rows) != maxQ {
			t.Fatalf("%d rows, want %d", len(rows), maxQ)
		}
		for i, row := range rows {
			if got, w := countsAttr(row, "data-tx"), rec.Queries[i].Tx; w != 0 && got != strconv.Itoa(w) {
				t.Errorf("row %d is in tx %q, the record says %d", i+1, got, w)
			}
		}
		if got := countsText(countsAll(doc, "data-testid", "queries-dropped")[0]); !strings.HasPrefix(got, strconv.Itoa(dropped)+" more operations") {
			t.Errorf("the cap notice reads %q, want %d more operations", got, dropped)
		}
	})
	t.Run("the Timer panel numbers transactions as the SQL panel does", func(t *testing.T) {
		b := countsGet(t, srv.URL+"/__debug__/requests/"+id+"/panels/timer")
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(`tx (\d+)`).FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		if len(seen) != 2 || !seen["1"] || !seen["2"] {
			t.Errorf("the Timer names transactions %v, want 1 and 2", seen)
		}
	})
	t.Run("Server-Timing", func(t *testing.T) {
		st := resp.Header.Get("Server-Timing")
		m := regexp.MustCompile(`(?:^|, )sql;dur=([0-9.]+);`).FindStringSubmatch(st)
		if m == nil {
			t.Fatalf("Server-Timing %q has no sql;dur=", st)
		}
		ms, err := strconv.ParseFloat(m[1], 64)
		if want := float64(rec.Stats.SQLNS) / 1e6; err != nil || math.Abs(ms-want) > 0.006 { // shown to 10 µs
			t.Errorf("Server-Timing %q: sql %s ms, want the record's SQL time, %.3f ms", st, m[1], want)
		}
	})
}

// countsGet GETs url and returns its body, wanting a 200.
func countsGet(t *testing.T, url string) []byte {
	t.Helper()
	res, body := get(t, url)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, res.Status, body)
	}
	return []byte(body)
}

func countsJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal(countsGet(t, url), v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func countsHTML(t *testing.T, url string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(countsGet(t, url))))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// countsAll returns the elements under n with the attribute (or, with an
// empty attribute, the tag) value.
func countsAll(n *html.Node, attribute, value string) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type != html.ElementNode {
			continue
		}
		if attribute == "" && c.Data == value || attribute != "" && countsAttr(c, attribute) == value {
			out = append(out, c)
		}
	}
	return out
}

func countsByID(n *html.Node, id string) *html.Node {
	if all := countsAll(n, "id", id); len(all) > 0 {
		return all[0]
	}
	return nil
}

func countsAttr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func countsText(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
