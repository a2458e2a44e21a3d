package render

import (
	"slices"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"golang.org/x/net/html"
)

var page = PageData{
	Prefix:  "/__debug__/",
	Styles:  []string{"/__debug__/static/panels.0123456789ab.css"},
	Scripts: []string{"/__debug__/static/page.ba9876543210.js"},
	Nonce:   "r4nd0m",
}

func TestRequestPage(t *testing.T) {
	rec := recordtest.Realistic()
	doc := renderHTML(t, RequestPage(page, rec, Builtin()))
	body := one(t, doc, "request-page")

	t.Run("every link and script tag carries the nonce", func(t *testing.T) {
		checkAssets(t, doc)
	})
	t.Run("it links back to the history", func(t *testing.T) {
		if got := attr(one(t, body, "history-link"), "href"); got != "/__debug__/" {
			t.Errorf("history link = %q", got)
		}
	})
	t.Run("the nav lists every panel in order with its summary and level", func(t *testing.T) {
		var ids, levels []string
		for _, a := range byTag(one(t, body, "nav"), "a") {
			ids = append(ids, attr(a, "data-testid"))
			levels = append(levels, attr(a, "data-level"))
			if !hasClass(a, "dt-level-"+attr(a, "data-level")) {
				t.Errorf("%s has class %q", attr(a, "data-testid"), attr(a, "class"))
			}
		}
		if want := []string{"nav-request", "nav-response", "nav-timer", "nav-sql", "nav-cache", "nav-versions"}; !slices.Equal(ids, want) {
			t.Errorf("nav = %v, want %v", ids, want)
		}
		if want := []string{"info", "info", "info", "danger", "warning", "info"}; !slices.Equal(levels, want) {
			t.Errorf("levels = %v, want %v", levels, want)
		}
		if got := squash(one(t, body, "nav-sql")); got != "SQL 13 queries in 129 ms, 8 similar, 2 duplicates, 1 error" {
			t.Errorf("SQL nav entry = %q", got)
		}
	})
	t.Run("the alerts come first, then every panel in full", func(t *testing.T) {
		sections := findAll(body, func(e *html.Node) bool { return e.Data == "section" && hasClass(e, "dt-section") })
		var ids []string
		for _, s := range sections {
			ids = append(ids, attr(s, "data-testid"))
		}
		want := []string{"page-alerts", "section-request", "section-response", "section-timer", "section-sql", "section-cache", "section-versions"}
		if !slices.Equal(ids, want) {
			t.Fatalf("sections = %v, want %v", ids, want)
		}
		if n := len(byTestID(sections[0], "alert")); n != len(rec.Alerts) {
			t.Errorf("%d alerts at the top, want %d", n, len(rec.Alerts))
		}
		for _, p := range Builtin() {
			s := one(t, body, "section-"+p.ID())
			one(t, s, "panel-"+p.ID())
			if attr(s, "id") != "debugtoolbar-panel-"+p.ID() {
				t.Errorf("section id = %q", attr(s, "id"))
			}
		}
		if n := len(byTestID(body, "query")); n != len(rec.Queries) {
			t.Errorf("%d queries on the page, want all %d", n, len(rec.Queries))
		}
	})
	t.Run("no inline script or style", func(t *testing.T) {
		checkStrictCSP(t, doc)
	})
}

func TestRequestPageWithoutNonce(t *testing.T) {
	doc := renderHTML(t, RequestPage(PageData{Prefix: "/d/", Styles: []string{"/d/a.css"}}, &panels.Record{}, Builtin()))
	link := byTag(doc, "link")[0]
	if hasAttr(link, "nonce") {
		t.Errorf("an empty nonce is rendered: %v", link.Attr)
	}
	if len(byTag(doc, "script")) != 0 {
		t.Errorf("scripts rendered without any given")
	}
}

func TestHistoryPage(t *testing.T) {
	clean := &panels.Record{ID: "b", Start: recordtest.T0.Add(time.Second), Duration: 3 * time.Millisecond,
		Request: panels.Request{Method: "POST", Path: "/login"}, Response: panels.Response{Status: 303}}
	recs := []*panels.Record{clean, recordtest.Realistic()}
	doc := renderHTML(t, HistoryPage(page, recordtest.Summaries(recs...), HistoryFilter{Assets: true}))
	checkAssets(t, doc)
	checkStrictCSP(t, doc)
	rows := byTestID(doc, "history-row")
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, c := range []struct {
		name                                      string
		row                                       *html.Node
		id, href, path, status, duration, queries string
		alerts, level                             string
	}{
		{"a clean request, newest first", rows[0], "b", "/__debug__/requests/b", "/login", "303 See Other", "3.00 ms", "0", "0", "none"},
		{"a request with alerts", rows[1], "0c9a3c7e-5d1f-4a8e-9b3a-2f1d6c7e8a90", "/__debug__/requests/0c9a3c7e-5d1f-4a8e-9b3a-2f1d6c7e8a90",
			"/posts", "200 OK", "180 ms", "13", "4", "danger"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if attr(c.row, "data-id") != c.id {
				t.Errorf("id = %q", attr(c.row, "data-id"))
			}
			link := one(t, c.row, "history-link")
			if attr(link, "href") != c.href || text(link) != c.path {
				t.Errorf("link = %q %q, want %q %q", attr(link, "href"), text(link), c.href, c.path)
			}
			for id, want := range map[string]string{"history-status": c.status, "history-duration": c.duration, "history-queries": c.queries, "history-alerts": c.alerts} {
				if got := squash(one(t, c.row, id)); got != want {
					t.Errorf("%s = %q, want %q", id, got, want)
				}
			}
			alerts := one(t, c.row, "history-alerts")
			if attr(alerts, "data-level") != c.level || c.level != "none" && !hasClass(alerts, "dt-level-"+c.level) {
				t.Errorf("alerts level = %q class %q, want %q", attr(alerts, "data-level"), attr(alerts, "class"), c.level)
			}
			if len(byTag(c.row, "time")) != 1 {
				t.Errorf("no time element")
			}
		})
	}
}

func TestRedirectChains(t *testing.T) {
	post := &panels.Record{ID: "p", Start: recordtest.T0, Request: panels.Request{Method: "POST", Path: "/login", URL: "/login"}, Response: panels.Response{Status: 303}}
	via := &panels.Record{ID: "v", Start: recordtest.T0, Request: panels.Request{Method: "GET", Path: "/home", URL: "/home?via=login"}, Response: panels.Response{Status: 302},
		RedirectedFrom: []panels.Redirect{{ID: "p", Method: "POST", URL: "/login", Status: 303}}}
	home := &panels.Record{ID: "h", Start: recordtest.T0, Request: panels.Request{Method: "GET", Path: "/home", URL: "/home"}, Response: panels.Response{Status: 200},
		RedirectedFrom: []panels.Redirect{{ID: "p", Method: "POST", URL: "/login", Status: 303}, {ID: "v", Method: "GET", URL: "/home?via=login", Status: 302}}}
	links := func(n *html.Node) []string {
		var out []string
		for _, a := range byTestID(n, "redirect-link") {
			out = append(out, attr(a, "href")+" "+squash(a))
		}
		return out
	}

	t.Run("the request page links every hop, first first", func(t *testing.T) {
		doc := renderHTML(t, RequestPage(page, home, Builtin()))
		chain := one(t, doc, "redirected-from")
		want := []string{"/__debug__/requests/p POST /login", "/__debug__/requests/v GET /home?via=login"}
		if got := links(chain); !slices.Equal(got, want) {
			t.Errorf("links = %q, want %q", got, want)
		}
		if got := squash(chain); got != "Redirected from POST /login 303 → GET /home?via=login 302" {
			t.Errorf("chain reads %q", got)
		}
	})
	t.Run("a request no redirect led to says nothing of it", func(t *testing.T) {
		if n := len(byTestID(renderHTML(t, RequestPage(page, post, Builtin())), "redirected-from")); n != 0 {
			t.Errorf("%d chains", n)
		}
	})
	t.Run("the history shows where each led and what led to it", func(t *testing.T) {
		rows := byTestID(renderHTML(t, HistoryPage(page, recordtest.Summaries(home, via, post), HistoryFilter{})), "history-row")
		for _, c := range []struct {
			row      *html.Node
			from, to []string
		}{
			{rows[0], []string{"/__debug__/requests/p POST /login", "/__debug__/requests/v GET /home?via=login"}, nil},
			{rows[1], []string{"/__debug__/requests/p POST /login"}, []string{"/__debug__/requests/h GET /home"}},
			{rows[2], nil, []string{"/__debug__/requests/v GET /home?via=login"}},
		} {
			var from, to []string
			if n := byTestID(c.row, "history-redirected-from"); len(n) > 0 {
				from = links(n[0])
			}
			if n := byTestID(c.row, "history-redirected-to"); len(n) > 0 {
				to = links(n[0])
			}
			if !slices.Equal(from, c.from) || !slices.Equal(to, c.to) {
				t.Errorf("row %s: from %q to %q, want %q %q", attr(c.row, "data-id"), from, to, c.from, c.to)
			}
		}
	})
}

func TestHistoryPageWithoutRequests(t *testing.T) {
	doc := renderHTML(t, HistoryPage(page, nil, HistoryFilter{}))
	if got := text(one(t, doc, "history-empty")); got == "" {
		t.Errorf("no empty state text")
	}
	if len(byTestID(doc, "history")) != 0 {
		t.Errorf("an empty table is rendered")
	}
}

func TestAlertsList(t *testing.T) {
	for _, c := range []struct {
		name   string
		rec    *panels.Record
		alerts int
		none   bool
	}{
		{"a clean record says so", &panels.Record{}, 0, true},
		{"a record with problems lists each", recordtest.Realistic(), 4, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := renderHTML(t, alertsList(c.rec))
			alerts := byTestID(doc, "alert")
			if len(alerts) != c.alerts || (len(byTestID(doc, "alerts-none")) == 1) != c.none {
				t.Fatalf("%d alerts, none shown %v", len(alerts), !c.none)
			}
			prev := panels.Danger
			for i, a := range alerts {
				want := findAlert(t, c.rec.Alerts, attr(a, "data-kind"))
				if want.Severity > prev {
					t.Errorf("alert %d (%s) comes after a less severe one", i, want.Severity)
				}
				prev = want.Severity
				if !hasClass(a, "dt-level-"+want.Severity.String()) || text(one(t, a, "alert-message")) != want.Message {
					t.Errorf("alert %d = %q class %q", i, squash(a), attr(a, "class"))
				}
				if len(want.Queries) > 0 && attr(byTag(a, "a")[0], "href") != "#debugtoolbar-query-"+itoa(int(want.Queries[0])+1) {
					t.Errorf("alert %d links to %q", i, attr(byTag(a, "a")[0], "href"))
				}
			}
		})
	}
}

// findAlert returns the alert of a kind.
func findAlert(t *testing.T, alerts []panels.Alert, kind string) panels.Alert {
	t.Helper()
	for _, a := range alerts {
		if string(a.Kind) == kind {
			return a
		}
	}
	t.Fatalf("no %s alert", kind)
	return panels.Alert{}
}

// checkAssets checks that the page links the given stylesheets and
// scripts, each with the nonce.
func checkAssets(t *testing.T, doc *html.Node) {
	t.Helper()
	links, scripts := byTag(doc, "link"), byTag(doc, "script")
	if len(links) != 1 || attr(links[0], "href") != page.Styles[0] || attr(links[0], "rel") != "stylesheet" {
		t.Errorf("links = %v", links)
	}
	if len(scripts) != 1 || attr(scripts[0], "src") != page.Scripts[0] || !hasAttr(scripts[0], "defer") {
		t.Errorf("scripts = %v", scripts)
	}
	for _, e := range append(links, scripts...) {
		if attr(e, "nonce") != page.Nonce {
			t.Errorf("<%s> nonce = %q, want %q", e.Data, attr(e, "nonce"), page.Nonce)
		}
	}
}

// checkStrictCSP checks that a page works under a CSP without
// 'unsafe-inline': no inline scripts, styles or event handlers.
func checkStrictCSP(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, e := range findAll(doc, func(*html.Node) bool { return true }) {
		if e.Data == "style" || e.Data == "script" && !hasAttr(e, "src") {
			t.Errorf("inline <%s>", e.Data)
		}
		for _, a := range e.Attr {
			if a.Key == "style" || len(a.Key) > 2 && a.Key[:2] == "on" {
				t.Errorf("<%s %s=%q>", e.Data, a.Key, a.Val)
			}
		}
	}
}
