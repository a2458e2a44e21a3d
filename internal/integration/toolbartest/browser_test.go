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

	b.Navigate(bare.URL)
	bareStyle := b.String(styleOfTitle)
	b.Theme("light")
	b.Navigate(srv.URL)

	t.Run("the toolbar appears collapsed with the query count", func(t *testing.T) {
		b.Wait("the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.queries === "3"`))
		if text := b.String(shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(text, "3 queries") {
			t.Errorf("handle text %q", text)
		}
	})
	t.Run("the host page's styles are unchanged", func(t *testing.T) {
		if withStyle := b.String(styleOfTitle); withStyle != bareStyle {
			t.Errorf("title style with the toolbar %q, without %q", withStyle, bareStyle)
		}
	})
	t.Run("the page's own CSS does not reach the toolbar", func(t *testing.T) {
		if font := b.String(shadow(`getComputedStyle(s.querySelector("[data-testid=handle]")).fontFamily`)); strings.Contains(font, "Comic") {
			t.Errorf("the toolbar took the page's font: %q", font)
		}
	})
	t.Run("opening the SQL panel shows the queries", func(t *testing.T) {
		b.ClickInToolbar("[data-testid=handle]")
		b.Wait("the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		b.ClickInToolbar("[data-testid=nav-sql]")
		b.Wait("the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 3`))
		b.Screenshot("toolbar-sql-light")
		if sql := b.String(shadow(`s.querySelector("[data-testid=content] [data-testid=query]").textContent`)); !strings.Contains(sql, "posts") {
			t.Errorf("first query reads %q", sql)
		}
	})
	t.Run("a fetch made by the page is listed and can be opened", func(t *testing.T) {
		b.Eval(`fetch("/api/data").then(r => r.text())`)
		const fetched = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/api/data"))`
		b.Wait("the fetch in the list", shadow(fetched))
		b.Eval(shadow(fetched + `.click()`))
		b.Wait("the fetch's SQL", shadow(`[...s.querySelectorAll("[data-testid=content] [data-testid=query]")].some(q => q.textContent.includes("count"))`))
	})
	t.Run("Escape closes the toolbar", func(t *testing.T) {
		b.Do(chromedp.KeyEvent(kb.Escape))
		b.Wait("closed", shadow(`s.querySelector("[data-testid=bar]").hidden`))
	})
	t.Run("dark theme", func(t *testing.T) {
		b.Theme("dark")
		b.ClickInToolbar("[data-testid=handle]")
		b.Wait("the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length > 0`))
		b.Screenshot("toolbar-sql-dark")
	})
	t.Run("the history page lists the requests", func(t *testing.T) {
		b.Navigate(srv.URL + "/__debug__/")
		b.Wait("history rows", `document.querySelectorAll("[data-testid=history-row]").length >= 2`)
		b.Screenshot("history")
	})
	b.CheckProblems()
}
