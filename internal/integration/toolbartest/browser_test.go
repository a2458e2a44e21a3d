package toolbartest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

const hostPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>host</title>
<link rel="stylesheet" href="/host.css"></head>
<body><h1 id="title">A host page</h1>
<p>Its own styles must not change with the toolbar on.</p>
<button id="load">load</button>
</body></html>`

const hostCSS = `* { font-family: "Comic Sans MS", cursive !important; color: rgb(200, 0, 0) !important; }
div, button, section { border: 7px solid lime !important; }
h1 { letter-spacing: 3px; }`

func hostApp(t *testing.T, mw func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	db := openDB(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		for i := 1; i <= 3; i++ {
			var title string
			db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", i).Scan(&title)
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, hostPage)
	})
	mux.HandleFunc("GET /host.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, hostCSS)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /api/data", func(w http.ResponseWriter, r *http.Request) {
		var n int
		db.QueryRowContext(r.Context(), "SELECT count(*) FROM posts WHERE title <> ?", "fetch").Scan(&n)
		fmt.Fprintf(w, `{"n": %d}`, n)
	})
	var h http.Handler = mux
	if mw != nil {
		h = mw(mux)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	tb := newToolbar(t, toolbar.Config{})
	srv := hostApp(t, tb.Middleware)
	bare := hostApp(t, nil)
	const styleOfTitle = `(() => { const s = getComputedStyle(document.getElementById("title")); return [s.fontFamily, s.color, s.letterSpacing, s.fontSize, s.margin].join("|"); })()`
	// open opens the page in a tab of the step's own, with the toolbar
	// collapsed in the light theme.
	open := func(t *testing.T) *browsertest.Tab {
		t.Helper()
		tab := b.NewTab(t)
		tab.Theme(t, "light")
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.queries === "3"`))
		return tab
	}
	// openSide opens the page and the toolbar's side bar.
	openSide := func(t *testing.T) *browsertest.Tab {
		t.Helper()
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		return tab
	}

	t.Run("the toolbar appears collapsed with the query count", func(t *testing.T) {
		tab := open(t)
		if text := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(text, "3 queries") {
			t.Errorf("handle text %q", text)
		}
		tab.CheckProblems(t)
	})
	t.Run("the host page's styles are unchanged", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, bare.URL)
		bareStyle := tab.String(t, styleOfTitle)
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
		if withStyle := tab.String(t, styleOfTitle); withStyle != bareStyle {
			t.Errorf("title style with the toolbar %q, without %q", withStyle, bareStyle)
		}
	})
	t.Run("the page's own CSS does not reach the toolbar", func(t *testing.T) {
		tab := open(t)
		if font := tab.String(t, shadow(`getComputedStyle(s.querySelector("[data-testid=handle]")).fontFamily`)); strings.Contains(font, "Comic") {
			t.Errorf("the toolbar took the page's font: %q", font)
		}
	})
	t.Run("opening the SQL panel shows the queries", func(t *testing.T) {
		tab := openSide(t)
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 3`))
		tab.Screenshot(t, "toolbar-sql-light")
		if sql := tab.String(t, shadow(`s.querySelector("[data-testid=content] [data-testid=query]").textContent`)); !strings.Contains(sql, "posts") {
			t.Errorf("first query reads %q", sql)
		}
		tab.CheckProblems(t)
	})
	t.Run("a fetch made by the page is listed and can be opened", func(t *testing.T) {
		tab := openSide(t)
		tab.ClickInToolbar(t, "[data-testid=nav-sql]") // the fetch's record opens on it
		tab.Eval(t, `fetch("/api/data").then(r => r.text())`)
		const fetched = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/api/data"))`
		tab.Wait(t, "the fetch in the list", shadow(fetched))
		tab.Eval(t, shadow(fetched+`.click()`))
		tab.Wait(t, "the fetch's SQL", shadow(`[...s.querySelectorAll("[data-testid=content] [data-testid=query]")].some(q => q.textContent.includes("count"))`))
		tab.CheckProblems(t)
	})
	t.Run("Escape closes the toolbar", func(t *testing.T) {
		tab := openSide(t)
		tab.Do(t, "press Escape", chromedp.KeyEvent(kb.Escape))
		tab.Wait(t, "closed", shadow(`s.querySelector("[data-testid=bar]").hidden`))
	})
	t.Run("dark theme", func(t *testing.T) {
		tab := openSide(t)
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 3`))
		tab.Do(t, "press Escape", chromedp.KeyEvent(kb.Escape))
		tab.Wait(t, "closed", shadow(`s.querySelector("[data-testid=bar]").hidden`))
		tab.Theme(t, "dark")
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the SQL panel again", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length > 0`))
		tab.Screenshot(t, "toolbar-sql-dark")
		tab.CheckProblems(t)
	})
	t.Run("the history page lists the requests", func(t *testing.T) {
		tab := open(t)
		tab.Navigate(t, srv.URL+"/__debug__/")
		tab.Wait(t, "history rows", `document.querySelectorAll("[data-testid=history-row]").length >= 2`)
		tab.Screenshot(t, "history")
		tab.CheckProblems(t)
	})
}
