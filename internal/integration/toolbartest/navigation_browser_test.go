package toolbartest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// navApp serves pages that navigate without leaving the document (htmx's
// hx-boost, Turbo Drive), a page that transforms its body, and a form that
// redirects after its POST. Page n runs n queries, so the toolbar's count
// says which page's record it shows.
func navApp(t *testing.T, tb *toolbar.Toolbar) *httptest.Server {
	t.Helper()
	db := openDB(t)
	queries := func(r *http.Request, n int) {
		for i := 1; i <= n; i++ {
			var title string
			db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", i).Scan(&title)
		}
	}
	html := func(w http.ResponseWriter, head, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>nav</title>%s</head><body%s</body></html>`, head, body)
	}
	links := func(base string) string {
		return fmt.Sprintf(`<nav><a id="to1" href="%[1]s/1">one</a> <a id="to2" href="%[1]s/2">two</a> <a id="to3" href="%[1]s/3">three</a></nav>`, base)
	}
	mux := http.NewServeMux()
	for _, lib := range []string{"htmx-2.0.11.min.js", "turbo-8.0.23.min.js"} {
		js, err := os.ReadFile("testdata/" + lib)
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc("GET /lib/"+lib, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(js)
		})
	}
	mux.HandleFunc("GET /htmx/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		queries(r, n)
		html(w, `<script src="/lib/htmx-2.0.11.min.js"></script>`,
			fmt.Sprintf(` hx-boost="true"><h1 id="title">htmx page %d</h1>%s<button id="frag" hx-get="/fragment" hx-target="#out">fragment</button><div id="out"></div>`, n, links("/htmx")))
	})
	mux.HandleFunc("GET /fragment", func(w http.ResponseWriter, r *http.Request) {
		queries(r, 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<p id="fragment">a fragment</p>`)
	})
	mux.HandleFunc("GET /turbo/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		queries(r, n)
		html(w, `<script src="/lib/turbo-8.0.23.min.js"></script>`,
			fmt.Sprintf(`><h1 id="title">turbo page %d</h1>%s`, n, links("/turbo")))
	})
	mux.HandleFunc("GET /turbo/form", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<script src="/lib/turbo-8.0.23.min.js"></script>`,
			`><h1 id="title">turbo form</h1><form method="post" action="/form"><button id="submit">save</button></form>`)
	})
	mux.HandleFunc("GET /transformed", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<style>`+r.URL.Query().Get("css")+`</style>`,
			`><h1>a transformed page</h1><div style="height: 3000px; background: linear-gradient(#fde68a, #93c5fd)"></div>`)
	})
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		html(w, "", `><form method="post" action="/form"><button id="submit">save</button></form>`)
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		queries(r, 4)
		http.Redirect(w, r, "/done", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		queries(r, 1)
		html(w, "", `><h1 id="title">saved</h1>`)
	})
	mux.HandleFunc("POST /api/save", func(w http.ResponseWriter, r *http.Request) {
		queries(r, 2)
		http.Redirect(w, r, "/api/saved?id=7", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /api/saved", func(w http.ResponseWriter, r *http.Request) {
		queries(r, 1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"saved": 7}`)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)
	return srv
}

// JavaScript that reads the toolbar.
const (
	handleQueries = `s.querySelector("[data-testid=handle]").dataset.queries`
	handleID      = `s.querySelector("[data-testid=handle]").dataset.id`
	headTitle     = `s.querySelector(".dtb-head .dtb-title")?.textContent`
	// requestList is the list of requests as method, path and status (the
	// duration, query count and alerts after them left out).
	requestList = `[...s.querySelectorAll("[data-testid=request]")].map(b => b.textContent.split(" \u00b7 ")[0]).join("|")`
)

// waitPage waits until the document shows path and the toolbar shows the
// record of a page with n queries, and returns that record's id.
func waitPage(t *testing.T, tab *browsertest.Tab, path string, n int) string {
	t.Helper()
	tab.Wait(t, path+" with its record", fmt.Sprintf(`location.pathname === %q && `, path)+
		browsertest.Shadow(handleQueries+` === "`+strconv.Itoa(n)+`"`))
	return tab.String(t, browsertest.Shadow(handleID))
}

func TestNavigationsKeepTheToolbar(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	tb := newToolbar(t, toolbar.Config{})
	srv := navApp(t, tb)
	// A full page load would lose this.
	const mark, marked = `window.debugtoolbarTestMark = 1`, `window.debugtoolbarTestMark === 1`

	t.Run("hx-boost twice, then back twice: each page shows its own record", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/htmx/1")
		id1 := waitPage(t, tab, "/htmx/1", 1)
		tab.Eval(t, mark)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))

		tab.Eval(t, `document.getElementById("to2").click()`)
		id2 := waitPage(t, tab, "/htmx/2", 2)
		tab.Wait(t, "the page's title in the head", shadow(headTitle+` === "GET /htmx/2"`))
		tab.Screenshot(t, "htmx-boosted-page-2")
		tab.Eval(t, `document.getElementById("to3").click()`)
		id3 := waitPage(t, tab, "/htmx/3", 3)
		if tab.String(t, `String(`+marked+`)`) != "true" {
			t.Fatal("the boosted navigation reloaded the document")
		}
		if id1 == id2 || id2 == id3 {
			t.Fatalf("records %s, %s, %s", id1, id2, id3)
		}
		for id, path := range map[string]string{id2: "/htmx/2", id3: "/htmx/3"} {
			rec, err := tb.Record(context.Background(), id)
			if err != nil || rec.Request.Path != path || rec.Request.Header.Get("HX-Boosted") != "true" {
				t.Errorf("record %s is not the boosted request of %s: %+v, %v", id, path, rec, err)
			}
		}
		if list := tab.String(t, shadow(requestList)); strings.Contains(list, "/htmx/2") || !strings.HasPrefix(list, "\u2302 GET /htmx/3") {
			t.Errorf("page 3's requests: %q", list)
		}

		tab.Eval(t, `history.back()`)
		if got := waitPage(t, tab, "/htmx/2", 2); got != id2 {
			t.Errorf("back on page 2 the toolbar shows %s, want its record %s", got, id2)
		}
		tab.Wait(t, "page 2's content", `document.getElementById("title").textContent === "htmx page 2"`)
		tab.Eval(t, `history.back()`)
		if got := waitPage(t, tab, "/htmx/1", 1); got != id1 {
			t.Errorf("back on page 1 the toolbar shows %s, want its record %s", got, id1)
		}
		tab.Screenshot(t, "htmx-back-to-page-1")
		tab.CheckProblems(t)
	})
	t.Run("a plain htmx fragment is a later request of the page", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/htmx/2")
		id := waitPage(t, tab, "/htmx/2", 2)
		tab.ClickInToolbar(t, "[data-testid=handle]") // the side bar lists the requests
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		tab.Eval(t, `document.getElementById("frag").click()`)
		tab.Wait(t, "the fragment", `document.getElementById("fragment")`)
		tab.Wait(t, "the fragment in the list", shadow(`[...s.querySelectorAll("[data-testid=request]")].some(b => b.textContent.includes("/fragment"))`))
		if got := tab.String(t, shadow(handleID)); got != id {
			t.Errorf("after a fragment the toolbar shows %s, want the page's %s", got, id)
		}
		tab.CheckProblems(t)
	})
	t.Run("Turbo Drive visits and back", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/turbo/1")
		id1 := waitPage(t, tab, "/turbo/1", 1)
		tab.Eval(t, mark)
		tab.Eval(t, `document.getElementById("to2").click()`)
		id2 := waitPage(t, tab, "/turbo/2", 2)
		tab.Wait(t, "the new body", `document.getElementById("title").textContent === "turbo page 2"`)
		if tab.String(t, `String(`+marked+`)`) != "true" {
			t.Fatal("the Turbo visit reloaded the document")
		}
		if id1 == id2 {
			t.Fatalf("the same record %s for both pages", id1)
		}
		tab.Screenshot(t, "turbo-page-2")
		tab.Eval(t, `history.back()`)
		if got := waitPage(t, tab, "/turbo/1", 1); got != id1 {
			t.Errorf("back on page 1 the toolbar shows %s, want %s", got, id1)
		}
		tab.CheckProblems(t)
	})
	t.Run("a Turbo form's POST, 303, GET: the landing page and its link to the POST", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/turbo/form")
		waitPage(t, tab, "/turbo/form", 0)
		tab.ClickInToolbar(t, "[data-testid=handle]") // the side bar lists the requests
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		tab.Eval(t, mark)
		tab.Eval(t, `document.getElementById("submit").click()`)
		waitPage(t, tab, "/done", 1)
		if tab.String(t, `String(`+marked+`)`) != "true" {
			t.Fatal("the Turbo form reloaded the document")
		}
		tab.Wait(t, "the link to the POST", shadow(requestList+`.startsWith("\u21aa POST /form 303|\u2302 GET /done 200")`))
		tab.CheckProblems(t)
	})
}

func TestTheToolbarStaysFixedToTheViewport(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	tb := newToolbar(t, toolbar.Config{})
	srv := navApp(t, tb)
	// box is where an element of the toolbar is, against the viewport.
	box := func(t *testing.T, tab *browsertest.Tab, testid string) string {
		t.Helper()
		return tab.String(t, shadow(`(() => { const r = s.querySelector("[data-testid=`+testid+`]").getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom].map(Math.round).join(","); })()`))
	}
	// open opens the page with css in a tab of the step's own, scrolled
	// down, and returns the tab and the viewport's size.
	open := func(t *testing.T, css string) (tab *browsertest.Tab, vw, vh int) {
		t.Helper()
		tab = b.NewTab(t)
		tab.Navigate(t, srv.URL+"/transformed?css="+url.QueryEscape(css))
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.id`))
		tab.Eval(t, `window.scrollTo(0, 1200)`)
		vw, _ = strconv.Atoi(tab.String(t, `String(document.documentElement.clientWidth)`))
		vh, _ = strconv.Atoi(tab.String(t, `String(document.documentElement.clientHeight)`))
		return tab, vw, vh
	}
	// size is an element's width and height; its text (the duration)
	// may change its width by a digit.
	size := func(t *testing.T, tab *browsertest.Tab, testid string) (w, h int) {
		t.Helper()
		fmt.Sscanf(tab.String(t, shadow(`(() => { const r = s.querySelector("[data-testid=`+testid+`]").getBoundingClientRect(); return Math.round(r.width) + " " + Math.round(r.height); })()`)), "%d %d", &w, &h)
		return w, h
	}
	plain, _, _ := open(t, "")
	plainW, plainH := size(t, plain, "handle")

	for _, c := range []struct{ name, css string }{
		{"a transformed body", "body { transform: translateX(40px) scale(0.5); }"},
		{"a filtered, contained body", "body { filter: grayscale(1); contain: paint; will-change: transform; }"},
		{"a transformed, perspective html", "html { transform: scale(0.8); perspective: 300px; }"},
		{"a page that styles every backdrop and stacks above everything", "::backdrop { background: rgba(255, 0, 0, .8) !important; } h1 { position: fixed; z-index: 2147483647; top: 0; right: 0; bottom: 0; width: 100vw; margin: 0; }"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, vw, vh := open(t, c.css)
			w, h := size(t, tab, "handle")
			if got, want := box(t, tab, "handle"), fmt.Sprintf("%d,%d,%d,%d", vw-12-w, vh-12-h, vw-12, vh-12); got != want || h != plainH || w < plainW*9/10 {
				t.Errorf("handle at %s (%dx%d), want %s, %dx%d as on a plain page: the viewport's bottom right corner", got, w, h, want, plainW, plainH)
			}
			tab.ClickInToolbar(t, "[data-testid=handle]")
			tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
			if got, want := box(t, tab, "bar"), fmt.Sprintf("%d,0,%d,%d", vw-min(680, vw*55/100), vw, vh); got != want {
				t.Errorf("side bar at %s, want %s (the viewport's full height at its right edge)", got, want)
			}
			// Outside <body>, in the top layer, with no backdrop the page's
			// ::backdrop rule could paint over the page.
			if got := tab.String(t, `(() => { const h = document.getElementById("debugtoolbar"); return [h.parentNode === document.documentElement, h.matches(":popover-open"), getComputedStyle(h, "::backdrop").display].join(","); })()`); got != "true,true,none" {
				t.Errorf("host outside <body>, in the top layer, backdrop display: %s", got)
			}
			// What is under the bar's centre is the toolbar, not the page.
			if hit := tab.String(t, `(() => { const r = document.getElementById("debugtoolbar").shadowRoot.querySelector("[data-testid=bar]").getBoundingClientRect(); const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return e ? e.id : ""; })()`); hit != "debugtoolbar" {
				t.Errorf("the point at the bar's centre hits %q", hit)
			}
			tab.Screenshot(t, "fixed-"+strings.ReplaceAll(c.name, " ", "-"))
			tab.ClickInToolbar(t, "[data-testid=close]")
			tab.CheckProblems(t)
		})
	}
}

func TestARedirectsLandingLinksToTheRedirect(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	tb := newToolbar(t, toolbar.Config{})
	srv := navApp(t, tb)
	// submit opens the form in a tab of the step's own and submits it,
	// and returns the tab on the landing page and the landing's record.
	submit := func(t *testing.T) (*browsertest.Tab, string) {
		t.Helper()
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/form")
		tab.Wait(t, "the form's toolbar", shadow(`s.querySelector("[data-testid=handle]")?.dataset.id`))
		tab.Load(t, "submit the form", chromedp.Evaluate[chromedp.Void](`document.getElementById("submit").click()`))
		return tab, waitPage(t, tab, "/done", 1)
	}

	t.Run("POST, 303, GET: the landing page links to the POST, which opens in place", func(t *testing.T) {
		tab, getID := submit(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the link to the POST", shadow(`s.querySelector("[data-testid=redirect-link]")?.textContent === "POST /form 303"`))
		tab.Screenshot(t, "redirect-landing")
		postID := tab.String(t, shadow(`s.querySelector("[data-testid=redirect-link]").dataset.id`))
		if post, err := tb.Record(context.Background(), postID); err != nil || post.Request.Method != "POST" || len(post.Queries) != 4 {
			t.Fatalf("the link names %s, not the POST: %+v, %v", postID, post, err)
		}
		if list := tab.String(t, shadow(requestList)); list != "\u21aa POST /form 303|\u2302 GET /done 200" {
			t.Errorf("requests list %q", list)
		}
		tab.ClickInToolbar(t, "[data-testid=redirect-link]")
		tab.Wait(t, "the POST's record in place", shadow(headTitle+` === "POST /form"`))
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "the POST's queries", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 4`))
		tab.Screenshot(t, "redirect-post-opened")
		if got := tab.String(t, shadow(handleID)); got != getID {
			t.Errorf("the handle shows %s, want the page's %s", got, getID)
		}
		tab.CheckProblems(t)
	})
	t.Run("a fetch that followed a redirect lists both requests as they were", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/done")
		waitPage(t, tab, "/done", 1)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		tab.Eval(t, `fetch("/api/save", { method: "POST" }).then(r => r.json())`)
		tab.Wait(t, "both in the list", shadow(requestList+`.includes("\u21aa POST /api/save 303|GET /api/saved?id=7 200")`))
		tab.Eval(t, shadow(`[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/api/saved")).click()`))
		tab.Wait(t, "the GET's record", shadow(headTitle+` === "GET /api/saved"`))
		tab.Wait(t, "the GET's link to the POST", shadow(`s.querySelector("[data-testid=redirect-link]")?.textContent === "POST /api/save 303"`))
		tab.Eval(t, shadow(`[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("POST /api/save")).click()`))
		tab.Wait(t, "the POST's record", shadow(headTitle+` === "POST /api/save"`))
		tab.Screenshot(t, "redirect-fetch")
		tab.CheckProblems(t)
	})
	t.Run("the history shows the chain", func(t *testing.T) {
		tab, _ := submit(t)
		tab.Navigate(t, srv.URL+"/__debug__/")
		tab.Wait(t, "the landing row", `[...document.querySelectorAll("[data-testid=history-redirected-from]")].some(e => e.textContent.includes("POST /form"))`)
		tab.Wait(t, "the redirect's row", `[...document.querySelectorAll("[data-testid=history-redirected-to]")].some(e => e.textContent.includes("GET /done"))`)
		tab.Screenshot(t, "redirect-history")
		tab.CheckProblems(t)
	})
}
