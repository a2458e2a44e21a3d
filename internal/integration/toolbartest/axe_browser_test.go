package toolbartest_test

import (
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

//go:embed testdata/axe-4.14.1.min.js
var axeSource string

// axePage is a page whose own markup passes axe, so what it finds is the
// toolbar's.
const axePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Posts</title></head>
<body><main><h1>Posts</h1><p>A list of posts.</p></main></body></html>`

// axeViolation is what the test reports of a finding.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Nodes  []string `json:"nodes"`
}

// runAxe runs axe-core in the tab on the toolbar (within, a selector) or
// the whole document ("") and returns its serious and critical findings.
func runAxe(t *testing.T, tab *browsertest.Tab, within string) []axeViolation {
	t.Helper()
	if tab.String(t, `typeof axe`) == "undefined" {
		tab.Eval(t, `void (0, eval)(`+strconv.Quote(axeSource)+`)`)
	}
	ctx := "document"
	if within != "" {
		ctx = `{ include: [[` + strconv.Quote(within) + `]] }`
	}
	tab.Eval(t, `window.__axe = null; axe.run(`+ctx+`, { resultTypes: ["violations"] }).then(r => { window.__axe = JSON.stringify(r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 4).map(n => n.target.join(" > ") + ": " + n.failureSummary) }))); })`)
	tab.Wait(t, "axe's result", `window.__axe !== null`)
	var out []axeViolation
	if err := json.Unmarshal([]byte(tab.String(t, `window.__axe`)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func reportAxe(t *testing.T, where string, vs []axeViolation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("%s: axe %s (%s):\n  %s", where, v.ID, v.Impact, strings.Join(v.Nodes, "\n  "))
	}
}

// TestAxeFindsNothingSeriousInTheToolbarOrItsPages opens every panel of
// the toolbar, light and dark, 1280 and 390 px wide, and the history and
// request pages, and runs axe-core on each: no violation of serious or
// critical impact. With DEBUGTOOLBAR_SCREENSHOTS set it keeps a picture
// of each.
func TestAxeFindsNothingSeriousInTheToolbarOrItsPages(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		for id := 1; id <= 4; id++ {
			var title string
			db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", id).Scan(&title)
		}
		db.QueryRowContext(r.Context(), "SELECT nope FROM posts").Scan(new(string)) // a failed query
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, axePage)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)

	for _, c := range []struct {
		theme string
		width int64
	}{{"light", 1280}, {"dark", 1280}, {"light", 390}, {"dark", 390}} {
		name := c.theme + "-" + strconv.FormatInt(c.width, 10)
		t.Run("every panel, "+name, func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Timeout = 30 * time.Second // axe over a whole page takes seconds on a busy machine
			tab.Theme(t, c.theme)
			tab.Do(t, "a window "+strconv.FormatInt(c.width, 10)+" px wide", chromedp.EmulateViewport(c.width, 800))
			tab.Navigate(t, srv.URL)
			tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
			reportAxe(t, "the closed handle", runAxe(t, tab, "#debugtoolbar"))
			tab.ClickInToolbar(t, "[data-testid=handle]")
			ids := strings.Split(tab.String(t, shadow(`[...s.querySelectorAll("[role=tab]")].map(b => b.dataset.panel).join(",")`)), ",")
			if len(ids) < 6 {
				t.Fatalf("panels %v", ids)
			}
			for _, id := range ids {
				tab.ClickInToolbar(t, "[data-testid=nav-"+id+"]")
				tab.Wait(t, "the "+id+" panel", shadow(`s.querySelector("[data-testid=content] [data-testid=panel-`+id+`]")`))
				tab.Screenshot(t, "panel-"+id+"-"+name)
				reportAxe(t, "the "+id+" panel", runAxe(t, tab, "#debugtoolbar"))
			}
			id := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").dataset.id`))
			for _, page := range []string{"/__debug__/", "/__debug__/requests/" + id} {
				tab.Navigate(t, srv.URL+page)
				tab.Screenshot(t, "page-"+strings.Trim(strings.ReplaceAll(page[:min(len(page), 20)], "/", "-"), "-")+"-"+name)
				reportAxe(t, page, runAxe(t, tab, ""))
			}
		})
	}
}
