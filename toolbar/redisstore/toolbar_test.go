package redisstore_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
	"github.com/debugtoolbar/debugtoolbar/toolbar/redisstore"
)

// TestTwoToolbarsShareOneHistory runs two toolbars on one Redis, as two
// instances of an app on a staging cluster: a request one of them served
// opens in the other.
func TestTwoToolbarsShareOneHistory(t *testing.T) {
	rdb := client(t)
	p := prefix(t, rdb)
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		toolbar.RecordCache(r.Context(), toolbar.CacheEvent{Op: "get", Key: "home", Read: true, Hit: true})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><body><p>shared</p></body></html>")
	})
	instance := func() (*toolbar.Toolbar, *httptest.Server) {
		tb, err := toolbar.New(toolbar.Config{Store: redisstore.New(client(t), redisstore.WithPrefix(p))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(tb.Middleware(page))
		t.Cleanup(srv.Close)
		return tb, srv
	}
	tbA, a := instance()
	_, b := instance()

	resp, err := http.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Debug-Token")
	if err := tbA.Close(); err != nil { // the record is on its way to Redis until then
		t.Fatal(err)
	}
	fromA, fromB := get(t, a.URL+"/__debug__/api/v1/requests/"+id), get(t, b.URL+"/__debug__/api/v1/requests/"+id)
	if !bytes.Equal(fromA, fromB) {
		t.Errorf("the record differs between the instances:\n%s\n%s", fromA, fromB)
	}
	if !bytes.Contains(get(t, b.URL+"/__debug__/api/v1/requests"), []byte(id)) {
		t.Errorf("the other instance's history does not list %s", id)
	}
	if cache := get(t, b.URL+"/__debug__/requests/"+id+"/panels/cache"); !bytes.Contains(cache, []byte(">home<")) {
		t.Errorf("the other instance's Cache panel does not show the key:\n%s", cache)
	}
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v\n%s", url, resp.Status, err, b)
	}
	return b
}

// TestTwoToolbarsShareOneClear clears the history's list in one of two
// toolbars on one Redis: the other's list is cleared too, and a toolbar
// started after keeps it cleared.
func TestTwoToolbarsShareOneClear(t *testing.T) {
	rdb := client(t)
	p := prefix(t, rdb)
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><body><p>shared</p></body></html>")
	})
	instance := func() (*toolbar.Toolbar, *httptest.Server) {
		tb, err := toolbar.New(toolbar.Config{Store: redisstore.New(client(t), redisstore.WithPrefix(p), redisstore.WithTTL(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(tb.Middleware(page))
		t.Cleanup(srv.Close)
		return tb, srv
	}
	visit := func(tb *toolbar.Toolbar, srv *httptest.Server, path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := tb.Close(); err != nil { // the record is in Redis
			t.Fatal(err)
		}
		return resp.Header.Get("X-Debug-Token")
	}
	listed := func(srv *httptest.Server) []string {
		var list struct {
			Requests []struct{ ID string } `json:"requests"`
		}
		if err := json.Unmarshal(get(t, srv.URL+"/__debug__/api/v1/requests"), &list); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range list.Requests {
			ids = append(ids, r.ID)
		}
		return ids
	}
	tbA, a := instance()
	tbB, b := instance()
	old := visit(tbA, a, "/old")
	if got := listed(b); !slices.Equal(got, []string{old}) {
		t.Fatalf("B lists %v before the clear, want %s", got, old)
	}

	token := tokenAttr.FindSubmatch(get(t, a.URL+"/__debug__/requests/"+old))
	if token == nil {
		t.Fatal("the request page carries no token")
	}
	req, _ := http.NewRequest("POST", a.URL+"/__debug__/history/clear", nil)
	req.Header.Set("X-Debugtoolbar-Token", string(token[1]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("clear: %s", resp.Status)
	}
	time.Sleep(time.Millisecond) // the next request starts after the clear
	newer := visit(tbB, b, "/new")

	if got := listed(b); !slices.Equal(got, []string{newer}) {
		t.Errorf("B lists %v after A cleared, want only %s", got, newer)
	}
	if got := listed(a); !slices.Equal(got, []string{newer}) {
		t.Errorf("A lists %v after clearing, want only %s", got, newer)
	}
	_, c := instance()
	if got := listed(c); !slices.Equal(got, []string{newer}) {
		t.Errorf("a toolbar started after lists %v, want only %s", got, newer)
	}
	get(t, c.URL+"/__debug__/api/v1/requests/"+old) // the cleared record's page stays
	if ttl, err := rdb.PTTL(t.Context(), p+"cleared").Result(); err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("%scleared: TTL %v, %v; want about an hour", p, ttl, err)
	}
}

var tokenAttr = regexp.MustCompile(`data-token="([0-9a-f]+)"`)
