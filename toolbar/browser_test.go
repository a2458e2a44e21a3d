package toolbar_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// browser starts headless Chromium from DEBUGTOOLBAR_CHROMIUM, or skips.
// It returns the tab's context and a function that lists the console
// errors, exceptions and browser log errors (CSP violations among them) so
// far.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	path := os.Getenv("DEBUGTOOLBAR_CHROMIUM")
	if path == "" {
		t.Skip("DEBUGTOOLBAR_CHROMIUM is not set; set it to a Chromium binary (apt-get install chromium: /usr/bin/chromium) to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 860),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatal(err)
	}

	var mu sync.Mutex
	var problems []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// shadow evaluates a JavaScript expression with s bound to the toolbar's
// shadow root.
func shadow(expr string) string {
	return `(() => { const s = document.getElementById("debugtoolbar")?.shadowRoot; if (!s) return null; return (` + expr + `); })()`
}

// screenshot saves a picture of the page under DEBUGTOOLBAR_SCREENSHOTS, or
// under the test's temporary folder when the test failed.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("DEBUGTOOLBAR_SCREENSHOTS")
	if dir == "" {
		if !t.Failed() {
			return
		}
		dir = t.TempDir()
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Log(err)
	}
	t.Logf("screenshot: %s", p)
}

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
	ctx, problems := browser(t)
	tb := newToolbar(t, toolbar.Config{})
	srv := hostApp(t, tb.Middleware)
	bare := hostApp(t, nil)

	wait := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			screenshot(t, ctx, "failure")
			t.Fatalf("%s: %v", what, err)
		}
	}
	str := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			screenshot(t, ctx, "failure")
			t.Fatal(err)
		}
	}
	click := func(selector string) {
		t.Helper()
		do(chromedp.Evaluate[chromedp.Void](shadow(`s.querySelector(` + strconv.Quote(selector) + `).click()`)))
	}
	theme := func(scheme string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	const styleOfTitle = `(() => { const s = getComputedStyle(document.getElementById("title")); return [s.fontFamily, s.color, s.letterSpacing, s.fontSize, s.margin].join("|"); })()`

	do(chromedp.Navigate(bare.URL))
	bareStyle := str(styleOfTitle)
	theme("light")
	do(chromedp.Navigate(srv.URL))

	t.Run("the toolbar appears collapsed with the query count", func(t *testing.T) {
		wait("the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.queries === "3"`))
		if text := str(shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(text, "3 queries") {
			t.Errorf("handle text %q", text)
		}
	})
	t.Run("the host page's styles are unchanged", func(t *testing.T) {
		if withStyle := str(styleOfTitle); withStyle != bareStyle {
			t.Errorf("title style with the toolbar %q, without %q", withStyle, bareStyle)
		}
	})
	t.Run("the page's own CSS does not reach the toolbar", func(t *testing.T) {
		if font := str(shadow(`getComputedStyle(s.querySelector("[data-testid=handle]")).fontFamily`)); strings.Contains(font, "Comic") {
			t.Errorf("the toolbar took the page's font: %q", font)
		}
	})
	t.Run("opening the SQL panel shows the queries", func(t *testing.T) {
		click("[data-testid=handle]")
		wait("the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		click("[data-testid=nav-sql]")
		wait("the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 3`))
		screenshot(t, ctx, "toolbar-sql-light")
		if sql := str(shadow(`s.querySelector("[data-testid=content] [data-testid=query]").textContent`)); !strings.Contains(sql, "posts") {
			t.Errorf("first query reads %q", sql)
		}
	})
	t.Run("a fetch made by the page is listed and can be opened", func(t *testing.T) {
		do(chromedp.Evaluate[chromedp.Void](`fetch("/api/data").then(r => r.text())`, chromedp.EvalAwaitPromise))
		const fetched = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/api/data"))`
		wait("the fetch in the list", shadow(`!!`+fetched))
		do(chromedp.Evaluate[chromedp.Void](shadow(fetched + `.click()`)))
		wait("the fetch's SQL", shadow(`[...s.querySelectorAll("[data-testid=content] [data-testid=query]")].some(q => q.textContent.includes("count"))`))
	})
	t.Run("Escape closes the toolbar", func(t *testing.T) {
		do(chromedp.KeyEvent(kb.Escape))
		wait("closed", shadow(`s.querySelector("[data-testid=bar]").hidden`))
	})
	t.Run("dark theme", func(t *testing.T) {
		theme("dark")
		click("[data-testid=handle]")
		wait("the SQL panel", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length > 0`))
		screenshot(t, ctx, "toolbar-sql-dark")
	})
	t.Run("the history page lists the requests", func(t *testing.T) {
		do(chromedp.Navigate(srv.URL + "/__debug__/"))
		wait("history rows", `document.querySelectorAll("[data-testid=history-row]").length >= 2`)
		screenshot(t, ctx, "history")
	})
	if p := problems(); len(p) > 0 {
		screenshot(t, ctx, "console-errors")
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
