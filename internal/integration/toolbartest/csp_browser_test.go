package toolbartest_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// templLayout renders as templ's generated code does: the top-level
// component takes the runtime's 4 KB buffer, its children write into the
// same buffer, and its Render ends by flushing the buffer, which calls the
// response writer's Flush.
func templLayout(title string, body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) (err error) {
		buf, nested := templruntime.GetBuffer(w)
		if !nested {
			defer func() {
				if e := templruntime.ReleaseBuffer(buf); err == nil {
					err = e
				}
			}()
		}
		if _, err := buf.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + templ.EscapeString(title) + "</title></head><body>"); err != nil {
			return err
		}
		if err := body.Render(ctx, buf); err != nil {
			return err
		}
		_, err = buf.WriteString("</body></html>\n")
		return err
	})
}

// templRows is a child component of some 10 KB, so the buffer is written
// out in parts before the final flush.
func templRows(n int) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		buf, nested := templruntime.GetBuffer(w)
		if !nested {
			defer templruntime.ReleaseBuffer(buf)
		}
		buf.WriteString(`<h1 id="title">A templ page</h1><ul>`)
		for i := range n {
			fmt.Fprintf(buf, "<li>row %d of a page rendered with templ's runtime</li>", i)
		}
		_, err := buf.WriteString("</ul>")
		return err
	})
}

// flushCounter counts the flushes that reach the toolbar's writer.
type flushCounter struct {
	http.ResponseWriter
	n *atomic.Int32
}

func (f flushCounter) Flush() {
	f.n.Add(1)
	f.ResponseWriter.(http.Flusher).Flush()
}

func (f flushCounter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// openEveryPanel opens the toolbar and each of its panels in turn, and
// waits for each panel's content.
func openEveryPanel(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	shadow := browsertest.Shadow
	tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
	// Each stylesheet sets custom properties on the shadow host.
	tab.Wait(t, "the toolbar's stylesheets", shadow(`["--dtb-bg", "--dt-bg"].every(p => getComputedStyle(s.host).getPropertyValue(p) !== "")`))
	tab.ClickInToolbar(t, "[data-testid=handle]")
	tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
	ids := tab.String(t, shadow(`[...s.querySelectorAll("[data-panel]")].map(b => b.dataset.panel).join(",")`))
	if ids == "" {
		t.Fatal("no panels in the toolbar")
	}
	for _, id := range strings.Split(ids, ",") {
		tab.ClickInToolbar(t, "[data-testid=nav-"+id+"]")
		tab.Wait(t, "the "+id+" panel", shadow(`s.querySelector("[data-testid=content] [data-testid=panel-`+id+`]") || s.querySelector("[data-testid=content]").textContent.includes("Could not load")`))
		if text := tab.String(t, shadow(`s.querySelector("[data-testid=content]").textContent`)); strings.Contains(text, "Could not load") {
			t.Errorf("the %s panel: %s", id, strings.TrimSpace(text))
		}
	}
}

func TestATemplPageRenderedIntoTheWriterShowsTheToolbar(t *testing.T) {
	b := browsertest.Start(t)
	tb := newToolbar(t, toolbar.Config{})
	var flushes atomic.Int32
	page := templLayout("templ", templRows(150))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if err := page.Render(r.Context(), flushCounter{w, &flushes}); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)

	tab := b.NewTab(t)
	tab.Navigate(t, srv.URL)
	openEveryPanel(t, tab)
	if n := flushes.Load(); n != 1 {
		t.Errorf("templ's runtime flushed %d times, want once at the end of the page", n)
	}
	if got := tab.String(t, browsertest.Shadow(`s.querySelector("[data-testid=content] [data-testid=response-injected]")?.textContent ?? ""`)); got != "" && got != "yes" {
		t.Errorf("the Response panel says injected: %q", got)
	}
	tab.CheckProblems(t)
}

// cspCase is a policy of the kind that kept the toolbar off pages. In it,
// {n} is the app's nonce, {s} its style nonce and {h} the hash of its
// inline script.
type cspCase struct {
	name   string
	policy string
	// the page's own inline script and style, each run only if the
	// policy allows it: they show the app is not broken.
	script, style string // "nonce", "hash" or "" (none)
	// where the policy goes: "header", "meta", or "both"
	wantChange string // a part of the Response panel's CSP fact
}

const appScript = `document.documentElement.dataset.app = "ran";`

// cspApp serves /{case}/{where}: a page with the policy of cases[case] in
// the header, in a meta tag, or in both.
func cspApp(t *testing.T, tb *toolbar.Toolbar, cases []cspCase) *httptest.Server {
	t.Helper()
	sum := sha256.Sum256([]byte(appScript))
	hash := base64.StdEncoding.EncodeToString(sum[:])
	mux := http.NewServeMux()
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /page/{case}/{where}", func(w http.ResponseWriter, r *http.Request) {
		var c cspCase
		for _, x := range cases {
			if x.name == r.PathValue("case") {
				c = x
			}
		}
		n, s := rand.Text(), rand.Text()
		policy := strings.NewReplacer("{n}", n, "{s}", s, "{h}", hash).Replace(c.policy)
		where := r.PathValue("where")
		if where == "header" || where == "both" {
			w.Header().Set("Content-Security-Policy", policy)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var p strings.Builder
		p.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8">`)
		if where == "meta" || where == "both" {
			fmt.Fprintf(&p, `<meta http-equiv="Content-Security-Policy" content="%s">`, html.EscapeString(policy))
		}
		p.WriteString("<title>" + c.name + "</title>")
		if c.style == "nonce" {
			fmt.Fprintf(&p, `<style nonce="%s">h1 { color: rgb(1, 2, 3) }</style>`, s)
		}
		p.WriteString(`</head><body><h1>` + c.name + `</h1>`)
		switch c.script {
		case "nonce":
			fmt.Fprintf(&p, `<script nonce="%s">%s</script>`, n, appScript)
		case "hash":
			fmt.Fprintf(&p, `<script>%s</script>`, appScript)
		}
		p.WriteString("</body></html>")
		io.WriteString(w, p.String())
	})
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)
	return srv
}

func TestTheToolbarWorksUnderTheStrictestPolicies(t *testing.T) {
	cases := []cspCase{
		{name: "nonces", policy: "default-src 'self'; script-src 'nonce-{n}'; style-src 'self' 'nonce-{n}'", script: "nonce",
			wantChange: "unchanged"},
		{name: "default-none", policy: "default-src 'none'; script-src 'nonce-{n}'; style-src 'nonce-{n}'; img-src 'self'", script: "nonce",
			wantChange: "/__debug__/ to connect-src"},
		{name: "style-nonce", policy: "default-src 'none'; script-src 'nonce-{n}'; style-src 'nonce-{s}'; connect-src 'self'", script: "nonce", style: "nonce",
			wantChange: "unchanged"},
		{name: "hashes", policy: "default-src 'self'; script-src 'sha256-{h}'", script: "hash",
			wantChange: "to script-src"},
		{name: "strict-dynamic", policy: "script-src 'nonce-{n}' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'; base-uri 'none'", script: "nonce",
			wantChange: "unchanged"},
		{name: "trusted-types", policy: "default-src 'self'; script-src 'self' 'nonce-{n}'; require-trusted-types-for 'script'; trusted-types app", script: "nonce",
			wantChange: "debugtoolbar to trusted-types"},
		{name: "trusted-types-none", policy: "default-src 'self'; script-src 'nonce-{n}'; require-trusted-types-for 'script'; trusted-types 'none'", script: "nonce",
			wantChange: "with debugtoolbar in trusted-types"},
	}
	b := browsertest.Start(t)
	tb := newToolbar(t, toolbar.Config{})
	srv := cspApp(t, tb, cases)
	for _, c := range cases {
		for _, where := range []string{"header", "meta", "both"} {
			t.Run(c.name+" in the "+where, func(t *testing.T) {
				tab := b.NewTab(t)
				tab.Navigate(t, srv.URL+"/page/"+c.name+"/"+where)
				openEveryPanel(t, tab)
				if c.script != "" {
					if got := tab.String(t, `document.documentElement.dataset.app || ""`); got != "ran" {
						t.Errorf("the page's own script did not run")
					}
				}
				if c.style != "" {
					if got := tab.String(t, `getComputedStyle(document.querySelector("h1")).color`); got != "rgb(1, 2, 3)" {
						t.Errorf("the page's own style did not apply: %s", got)
					}
				}
				tab.ClickInToolbar(t, "[data-testid=nav-response]")
				tab.Wait(t, "the Response panel", browsertest.Shadow(`s.querySelector("[data-testid=content] [data-testid=response-csp]")`))
				if got := tab.String(t, browsertest.Shadow(`s.querySelector("[data-testid=content] [data-testid=response-csp]").textContent`)); !strings.Contains(got, c.wantChange) {
					t.Errorf("the Response panel's CSP fact reads %q, want it to mention %q", strings.TrimSpace(got), c.wantChange)
				}
				if c.name == "default-none" && where == "meta" {
					tab.Screenshot(t, "csp-default-none-meta")
				}
				tab.CheckProblems(t)
			})
		}
	}
	t.Run("different nonces in the header and the meta tag", func(t *testing.T) {
		const header, meta = "script-src 'nonce-h'; style-src 'nonce-h'", "default-src 'none'; script-src 'nonce-m'; style-src 'nonce-m'"
		mux := http.NewServeMux()
		mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", header)
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="%s"><title>two</title></head><body><h1>two policies</h1></body></html>`, meta)
		})
		srv := httptest.NewServer(tb.Middleware(mux))
		t.Cleanup(srv.Close)
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		openEveryPanel(t, tab)
		tab.CheckProblems(t)
	})
}

func TestAToolbarThePageStillRefusesSaysWhy(t *testing.T) {
	b := browsertest.Start(t)
	tb := newToolbar(t, toolbar.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!DOCTYPE html><html><head><title>late policy</title></head><body><h1>late policy</h1></body></html>`)
	})
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)
	// A policy the toolbar could not see: the page's own meta tag, added
	// by a script once the toolbar is running.
	for _, c := range []struct{ name, policy, want, note string }{
		{"connect-src", "connect-src 'none'", "Content-Security-Policy refused it (connect-src", "connect-src"},
		{"trusted-types", "require-trusted-types-for 'script'; trusted-types 'none'", "Trusted Types refused it (trusted-types", "Trusted Types"},
	} {
		t.Run("a late "+c.name, func(t *testing.T) {
			tab := b.NewTab(t) // its storage is empty: the toolbar starts collapsed
			tab.Navigate(t, srv.URL)
			tab.Wait(t, "the handle", browsertest.Shadow(`s.querySelector("[data-testid=handle]")`))
			tab.Eval(t, `(() => { const m = document.createElement("meta"); m.httpEquiv = "Content-Security-Policy"; m.content = `+strconv.Quote(c.policy)+`; document.head.appendChild(m); })()`)
			tab.ClickInToolbar(t, "[data-testid=handle]")
			tab.Wait(t, "the error", browsertest.Shadow(`s.querySelector("[data-testid=content]").textContent.includes("Could not load")`))
			text := tab.String(t, browsertest.Shadow(`s.querySelector("[data-testid=content]").textContent`))
			if !strings.Contains(text, c.want) || strings.Contains(text, "history") {
				t.Errorf("the panel says %q, want %q", text, c.want)
			}
			if note := tab.String(t, browsertest.Shadow(`s.querySelector("[data-testid=csp-refused]")?.textContent ?? ""`)); !strings.Contains(note, c.note) {
				t.Errorf("the toolbar's note says %q, want %q", note, c.note)
			}
			tab.Screenshot(t, "csp-refused-"+c.name)
		})
	}
}
