package toolbartest_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// TestTheHistoryInADirectorySurvivesARestart records a page with a
// toolbar keeping its history in a directory, stops it, starts another on
// the same directory (air, templ's proxy or go run again), and opens the
// old record there: its page, its panels and its JSON, as they were.
func TestTheHistoryInADirectorySurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	db, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "restart.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c')`); err != nil {
		t.Fatal(err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 6 {
			var v string
			if err := db.QueryRowContext(r.Context(), "SELECT v FROM t WHERE id = ?", i%3+1).Scan(&v); err != nil {
				t.Error(err)
			}
		}
		toolbar.RecordData(r.Context(), "note", map[string]string{"user": "ada"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><body><p>restart</p></body></html>"))
	})
	serve := func() (*toolbar.Toolbar, *httptest.Server) {
		tb, err := toolbar.New(toolbar.Config{HistoryDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return tb, httptest.NewServer(tb.Middleware(page))
	}

	tb1, srv1 := serve()
	resp, err := http.Get(srv1.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Debug-Token")
	before := countsGet(t, srv1.URL+"/__debug__/api/v1/requests/"+id)
	srv1.Close()
	if err := tb1.Close(); err != nil {
		t.Fatal(err)
	}

	_, srv2 := serve()
	defer srv2.Close()
	after := countsGet(t, srv2.URL+"/__debug__/api/v1/requests/"+id)
	if !bytes.Equal(before, after) {
		t.Errorf("the record's JSON changed across the restart:\nbefore %s\nafter  %s", before, after)
	}
	if !strings.Contains(string(after), `"ada"`) {
		t.Errorf("the recorded data is lost: %s", after)
	}
	doc := countsHTML(t, srv2.URL+"/__debug__/requests/"+id)
	if n := len(countsAll(doc, "data-testid", "request-page")); n != 1 {
		t.Errorf("the request page of the old record has %d request-page elements", n)
	}
	sql := countsHTML(t, srv2.URL+"/__debug__/requests/"+id+"/panels/sql")
	if rows := countsAll(sql, "data-testid", "query"); len(rows) != 6 {
		t.Errorf("the old record's SQL panel lists %d queries, want 6", len(rows))
	}
	for _, c := range countsAll(sql, "data-testid", "query-caller") {
		if got := countsText(c); !strings.HasPrefix(got, "restart_test.go:") {
			t.Errorf("a caller after the restart reads %q, want this file's line", got)
		}
	}
	var list struct {
		Requests []struct{ ID string } `json:"requests"`
	}
	countsJSON(t, srv2.URL+"/__debug__/api/v1/requests", &list)
	if len(list.Requests) != 1 || list.Requests[0].ID != id {
		t.Errorf("the history after the restart lists %+v, want %s", list.Requests, id)
	}
}

// TestATornRecordFileIsSkippedAfterARestart imitates a power cut that
// left the newest record's file cut short: the toolbar started again on
// the directory lists the other record, answers the torn one's page as a
// request it does not keep, and warns of nothing.
func TestATornRecordFileIsSkippedAfterARestart(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><body><p>torn</p></body></html>"))
	})
	serve := func() (*toolbar.Toolbar, *httptest.Server) {
		tb, err := toolbar.New(toolbar.Config{HistoryDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return tb, httptest.NewServer(tb.Middleware(page))
	}
	tb1, srv1 := serve()
	var ids []string
	for _, p := range []string{"/first", "/second"} {
		resp, err := http.Get(srv1.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ids = append(ids, resp.Header.Get("X-Debug-Token"))
		time.Sleep(time.Millisecond) // files sort by start
	}
	srv1.Close()
	if err := tb1.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*-"+ids[1]+".json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("the second record's file: %v, %v", files, err)
	}
	whole, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], whole[:len(whole)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}

	_, srv2 := serve()
	defer srv2.Close()
	var list struct {
		Requests []struct{ ID string } `json:"requests"`
	}
	countsJSON(t, srv2.URL+"/__debug__/api/v1/requests", &list)
	if len(list.Requests) != 1 || list.Requests[0].ID != ids[0] {
		t.Errorf("the history lists %+v, want only the whole record %s", list.Requests, ids[0])
	}
	if res, body := get(t, srv2.URL+"/__debug__/api/v1/requests/"+ids[1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET the torn record: %s, want 404 Not Found\n%s", res.Status, body)
	}
	countsHTML(t, srv2.URL+"/__debug__/")
	countsGet(t, srv2.URL+"/__debug__/api/v1/requests/"+ids[0])
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the toolbar warned:\n%s", &logs)
	}
}

// TestAClearedListStaysClearedAfterARestart clears the history's list of
// a toolbar keeping its history in a directory, and starts another on the
// directory: its list is cleared too, and the old record's page stays.
func TestAClearedListStaysClearedAfterARestart(t *testing.T) {
	dir := t.TempDir()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><body><p>cleared</p></body></html>"))
	})
	serve := func() (*toolbar.Toolbar, *httptest.Server) {
		tb, err := toolbar.New(toolbar.Config{HistoryDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return tb, httptest.NewServer(tb.Middleware(page))
	}
	visit := func(srv *httptest.Server, path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-Debug-Token")
	}
	listed := func(srv *httptest.Server) []string {
		var list struct {
			Requests []struct{ ID string } `json:"requests"`
		}
		countsJSON(t, srv.URL+"/__debug__/api/v1/requests", &list)
		var ids []string
		for _, r := range list.Requests {
			ids = append(ids, r.ID)
		}
		return ids
	}

	tb1, srv1 := serve()
	old := visit(srv1, "/old")
	m := tokenAttr.FindSubmatch(countsGet(t, srv1.URL+"/__debug__/requests/"+old))
	if m == nil {
		t.Fatal("the request page carries no token")
	}
	req, _ := http.NewRequest("POST", srv1.URL+"/__debug__/history/clear", nil)
	req.Header.Set("X-Debugtoolbar-Token", string(m[1]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("clear: %s", resp.Status)
	}
	time.Sleep(time.Millisecond) // the next request starts after the clear
	newer := visit(srv1, "/new")
	srv1.Close()
	if err := tb1.Close(); err != nil {
		t.Fatal(err)
	}

	_, srv2 := serve()
	defer srv2.Close()
	if got := listed(srv2); len(got) != 1 || got[0] != newer {
		t.Errorf("the history after the restart lists %v, want only %s, the request after the clear", got, newer)
	}
	countsGet(t, srv2.URL+"/__debug__/api/v1/requests/"+old) // the cleared record's page stays
}
