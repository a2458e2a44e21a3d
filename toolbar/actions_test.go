package toolbar

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/memdb"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// postAction POSTs a form to one of the toolbar's URLs from a loopback client,
// with the token when withToken.
func postAction(tb *Toolbar, path string, form url.Values, withToken bool) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if withToken {
		r.Header.Set(csrfHeader, tb.csrf.token)
	}
	w := httptest.NewRecorder()
	tb.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
	return w
}

func TestAFindingAcceptedFromTheToolbarIsMutedFromTheNextRequest(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	db := sqltrace.OpenDB(&memdb.Connector{})
	defer db.Close()
	loop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for id := range 3 { // an N+1
			db.QueryRowContext(r.Context(), "SELECT name FROM owners WHERE id = ?", id).Scan(new(string))
		}
	})
	serve := func() *panels.Record {
		w := observe(t, tb, loop, httptest.NewRequest("GET", "/pets", nil))
		rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	first := serve()
	var key string
	for _, a := range first.Alerts {
		if a.Kind == panels.AlertNPlusOne {
			key = a.Key()
		}
	}
	if key == "" || first.Stats.Level != panels.Danger {
		t.Fatalf("alerts %+v: want an N+1", first.Alerts)
	}
	if w := postAction(tb, "/__debug__/accepted", url.Values{"key": {key}}, false); w.Code != http.StatusForbidden {
		t.Errorf("without the token: %d, want 403", w.Code)
	}
	if w := postAction(tb, "/__debug__/accepted", url.Values{"key": {"<script>"}}, true); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a key that is no finding's: %d, want 422", w.Code)
	}
	if w := postAction(tb, "/__debug__/accepted", url.Values{"key": {key}}, true); w.Code != http.StatusOK {
		t.Fatalf("accept: %d %s", w.Code, w.Body)
	}
	next := serve()
	for _, a := range next.Alerts {
		if a.Kind == panels.AlertNPlusOne && !a.Accepted {
			t.Errorf("the next request's N+1 is not accepted")
		}
	}
	if next.Stats.Level == panels.Danger {
		t.Errorf("level %v after accepting the N+1", next.Stats.Level)
	}
	postAction(tb, "/__debug__/accepted", url.Values{"key": {key}, "accepted": {"0"}}, true)
	if again := serve(); again.Stats.Level != panels.Danger {
		t.Errorf("level %v after un-accepting, want danger again", again.Stats.Level)
	}
}

func TestClearingTheHistoryEmptiesTheListButKeepsThePages(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	id := observe(t, tb, page, httptest.NewRequest("GET", "/old", nil)).Header().Get("X-Debug-Token")
	if w := postAction(tb, "/__debug__/history/clear", nil, true); w.Code != http.StatusOK {
		t.Fatalf("clear: %d %s", w.Code, w.Body)
	}
	observe(t, tb, page, httptest.NewRequest("GET", "/new", nil))
	list, _ := tb.History(context.Background())
	if len(list) != 1 || list[0].Path != "/new" {
		t.Errorf("history after clearing: %+v, want only /new", list)
	}
	if _, err := tb.Record(context.Background(), id); err != nil {
		t.Errorf("the cleared request's record: %v, want it still kept", err)
	}
}
