package render

import (
	"net/url"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestTheHistoryFilters(t *testing.T) {
	recs := []panels.Summary{
		{ID: "page", Method: "GET", Path: "/posts/3", Route: "/posts/{id}", Status: 200, ContentType: "text/html; charset=utf-8", AlertKinds: []panels.AlertKind{panels.AlertNPlusOne}, Alerts: 1},
		{ID: "css", Method: "GET", Path: "/static/app.css", Status: 200, ContentType: "text/css"},
		{ID: "icon", Method: "GET", Path: "/favicon.ico", Status: 404},
		{ID: "font", Method: "GET", Path: "/f", Status: 200, ContentType: "font/woff2"},
		{ID: "save", Method: "POST", Path: "/posts", Status: 500, ContentType: "text/html"},
		{ID: "api", Method: "GET", Path: "/api/posts.json", Status: 200, ContentType: "application/json"},
		{ID: "js-api", Method: "GET", Path: "/api/app.js", Status: 200, ContentType: "application/json"}, // JSON, whatever its name
		{ID: "outside", Outside: true},
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"page", "save", "api", "js-api", "outside"}},
		{"assets=1", []string{"page", "css", "icon", "font", "save", "api", "js-api", "outside"}},
		{"method=post", []string{"save"}},
		{"status=5xx", []string{"save"}},
		{"status=4xx&assets=1", []string{"icon"}},
		{"q=POSTS", []string{"page", "save", "api"}},
		{"q={id}", []string{"page"}},
		{"alerts=1", []string{"page"}},
		{"method=BREW&status=9xx", []string{"page", "save", "api", "js-api", "outside"}}, // unknown values are ignored
	} {
		q, _ := url.ParseQuery(c.query)
		v := newHistoryView(ParseHistoryFilter(q), recs)
		var got []string
		for _, r := range v.Rows {
			got = append(got, r.ID)
		}
		if len(got) != len(c.want) {
			t.Errorf("?%s: rows %v, want %v", c.query, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("?%s: rows %v, want %v", c.query, got, c.want)
				break
			}
		}
	}
	if v := newHistoryView(HistoryFilter{}, recs); v.AssetsHidden != 3 || v.shownText() != "5 of 8" {
		t.Errorf("assets hidden %d, shown %q: want 3 and \"5 of 8\"", v.AssetsHidden, v.shownText())
	}
}

func TestTheHistoryShowsARouteOnlyWhenItSaysMoreThanThePath(t *testing.T) {
	for _, c := range []struct{ route, path, want string }{
		{"/posts/{id}", "/posts/3", "/posts/{id}"},
		{"GET /posts/{id}", "/posts/3", "/posts/{id}"},
		{"GET /about", "/about", ""},
		{"GET /{$}", "/", ""},
		{"/about", "/about", ""},
		{"", "/x", ""},
		{"example.com/docs/", "/docs/", "example.com/docs/"},
	} {
		if got := routeText(c.route, c.path); got != c.want {
			t.Errorf("routeText(%q, %q) = %q, want %q", c.route, c.path, got, c.want)
		}
	}
}

func TestTheRequestPanelNamesServeMuxsRootAsSlash(t *testing.T) {
	for route, want := range map[string]string{"GET /{$}": "GET /", "GET /posts/{id}": "GET /posts/{id}", "": "GET /"} {
		r := &panels.Record{Request: panels.Request{Method: "GET", Path: "/", Route: route}}
		if route == "GET /posts/{id}" {
			r.Request.Path = "/posts/3"
		}
		if got := (requestPanel{}).Summary(r); got != want {
			t.Errorf("route %q: summary %q, want %q", route, got, want)
		}
	}
}
