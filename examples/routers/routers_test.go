package routers

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

func init() { gin.SetMode(gin.ReleaseMode) } // no route listing on stdout

// recipe is one router's set-up and the pattern it records for /posts/{id}.
type recipe struct {
	name    string
	handler func(*toolbar.Toolbar) http.Handler
	pattern string
}

var recipes = []recipe{
	{"chi, the toolbar inside", Chi, "/posts/{id}"},
	{"chi, the toolbar outside", ChiOutside, "/posts/{id}"},
	{"http.ServeMux", ServeMux, "GET /posts/{id}"},
	{"gin", Gin, "/posts/:id"},
	{"echo", Echo, "/posts/:id"},
	{"gorilla/mux", Gorilla, "/posts/{id}"},
}

// response is what a client got, its body read.
type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, url string) response {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// record is the part of the toolbar's JSON API these tests read.
type record struct {
	Version int `json:"version"`
	Request struct {
		Route string `json:"route"`
	} `json:"request"`
	Response struct {
		Status   int  `json:"status"`
		Injected bool `json:"injected"`
	} `json:"response"`
}

func fetchRecord(t *testing.T, base string, res response) record {
	t.Helper()
	id := res.header.Get("X-Debug-Token")
	if id == "" {
		t.Fatalf("no X-Debug-Token: the request was not recorded (headers %v)", res.header)
	}
	api := get(t, base+"/__debug__/api/v1/requests/"+id)
	if api.status != http.StatusOK {
		t.Fatalf("the toolbar's JSON API answered %d: %s", api.status, api.body)
	}
	var rec record
	if err := json.Unmarshal([]byte(api.body), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != 1 {
		t.Fatalf("the record's version is %d, want 1", rec.Version)
	}
	return rec
}

func newToolbar(t *testing.T, cfg toolbar.Config) *toolbar.Toolbar {
	t.Helper()
	tb, err := toolbar.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestEachRecipeInjectsTheToolbarAndRecordsTheRoute(t *testing.T) {
	for _, rc := range recipes {
		t.Run(rc.name, func(t *testing.T) {
			srv := httptest.NewServer(rc.handler(newToolbar(t, toolbar.Config{})))
			defer srv.Close()

			res := get(t, srv.URL+"/posts/7")
			if res.status != http.StatusOK || strings.Count(res.body, `id="debugtoolbar-data"`) != 1 || !strings.Contains(res.body, "<h1>Post 7</h1>") {
				t.Fatalf("the page: %d %q", res.status, res.body)
			}
			rec := fetchRecord(t, srv.URL, res)
			if rec.Request.Route != rc.pattern || rec.Response.Status != http.StatusOK || !rec.Response.Injected {
				t.Errorf("record: route %q, status %d, injected %v; want route %q, 200, injected", rec.Request.Route, rec.Response.Status, rec.Response.Injected, rc.pattern)
			}

			t.Run("the toolbar's own pages are served", func(t *testing.T) {
				for _, path := range []string{"/__debug__/", "/__debug__/api/v1/requests"} {
					if res := get(t, srv.URL+path); res.status != http.StatusOK {
						t.Errorf("GET %s: %d %q", path, res.status, res.body)
					}
				}
			})
		})
	}
}

func TestEachRecipeKeepsTheAppsStatusCodes(t *testing.T) {
	for _, rc := range recipes {
		t.Run(rc.name, func(t *testing.T) {
			// The same app seen by a client the toolbar does not observe
			// is the app as it is without the toolbar.
			bare := httptest.NewServer(rc.handler(newToolbar(t, toolbar.Config{InternalIPs: []string{"192.0.2.1"}})))
			defer bare.Close()
			srv := httptest.NewServer(rc.handler(newToolbar(t, toolbar.Config{})))
			defer srv.Close()

			for _, c := range []struct {
				path   string
				status int
			}{
				{"/teapot", http.StatusTeapot},
				{"/no/such/page", http.StatusNotFound},
				{"/__debug__/", http.StatusNotFound}, // not observed: the app's own 404
			} {
				want := get(t, bare.URL+c.path)
				if want.status != c.status {
					t.Fatalf("without the toolbar, GET %s answers %d, want %d", c.path, want.status, c.status)
				}
				if want.header.Get("X-Debug-Token") != "" {
					t.Errorf("a client that is not observed got X-Debug-Token on %s", c.path)
				}
				if c.path == "/__debug__/" {
					continue
				}
				got := get(t, srv.URL+c.path)
				if got.status != want.status || got.body != want.body {
					t.Errorf("observed, GET %s: %d %q; without the toolbar: %d %q", c.path, got.status, got.body, want.status, want.body)
				}
				if rec := fetchRecord(t, srv.URL, got); rec.Response.Status != want.status {
					t.Errorf("GET %s is recorded with status %d, want %d", c.path, rec.Response.Status, want.status)
				}
			}
		})
	}
}
