package redisstore_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

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
