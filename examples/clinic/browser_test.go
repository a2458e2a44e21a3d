package main

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// TestTheToolbarOverTheClinicInABrowser opens the clinic in headless
// Chromium with the toolbar on, and once more as a client the toolbar
// refuses, which must see the app exactly as without it.
func TestTheToolbarOverTheClinicInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	on := newClient(t)
	off := newClientWith(t, toolbar.Config{InternalIPs: []string{"192.0.2.1"}})
	const page = "/n-plus-one/bad"
	const hostStyle = `(() => { const s = getComputedStyle(document.querySelector("h1")); const h = getComputedStyle(document.querySelector("header")); return [s.fontFamily, s.fontSize, s.color, s.margin, h.backgroundColor, h.padding].join("|"); })()`

	b.Theme("light")
	b.Navigate(off.base + page)
	offStyle := b.String(hostStyle)
	if b.String(`String(document.getElementById("debugtoolbar"))`) != "null" {
		t.Fatal("a refused client got the toolbar")
	}
	b.Navigate(on.base + page)

	t.Run("the collapsed handle shows the query count", func(t *testing.T) {
		b.Wait("the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.queries === "21"`))
		if text := b.String(shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(text, "21 queries") {
			t.Errorf("handle reads %q", text)
		}
	})
	t.Run("the host page's styles are the same with the toolbar on and off", func(t *testing.T) {
		if got := b.String(hostStyle); got != offStyle {
			t.Errorf("with the toolbar %q, without %q", got, offStyle)
		}
	})
	t.Run("the SQL panel shows the queries and the N+1 alert", func(t *testing.T) {
		b.ClickInToolbar("[data-testid=handle]")
		b.ClickInToolbar("[data-testid=nav-sql]")
		b.Wait("21 queries", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 21`))
		b.Wait("the N+1 alert", shadow(`[...s.querySelectorAll("[data-testid=content] [data-testid=alert]")].some(a => a.textContent.includes("N+1"))`))
		b.Screenshot("clinic-sql-light")
	})
	t.Run("a fetch made by the page shows in the toolbar and opens", func(t *testing.T) {
		b.Eval(`fetch("/n-plus-one/fix").then(r => r.text())`)
		const fetched = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/n-plus-one/fix"))`
		b.Wait("the fetch in the list", shadow(fetched))
		b.Eval(shadow(fetched + `.click()`))
		b.Wait("the fix's one query", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 1`))
	})
	t.Run("dark", func(t *testing.T) {
		b.Theme("dark")
		b.Navigate(on.base + "/duplicate-queries/bad")
		b.Wait("the side bar", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length > 0`))
		b.Screenshot("clinic-sql-dark")
		b.ClickInToolbar("[data-testid=nav-timer]")
		b.Wait("the timeline", shadow(`s.querySelector("[data-testid=content] svg")`))
		b.Screenshot("clinic-timer-dark")
		b.Theme("light")
	})
	t.Run("every panel opens", func(t *testing.T) {
		b.Navigate(on.base + "/top-posts/fix")
		b.Navigate(on.base + "/top-posts/fix") // the second load hits the cache
		for _, p := range []string{"request", "response", "timer", "sql", "cache", "versions"} {
			b.ClickInToolbar("[data-testid=nav-" + p + "]")
			b.Wait("the "+p+" panel", shadow(`s.querySelector("[data-testid=content] [data-testid=panel-`+p+`]")`))
			b.Screenshot("clinic-panel-" + p)
		}
	})
	t.Run("the history page lists the requests", func(t *testing.T) {
		b.Navigate(on.base + "/__debug__/")
		b.Wait("history rows", `document.querySelectorAll("[data-testid=history-row]").length >= 3`)
		b.Screenshot("clinic-history")
	})
	b.CheckProblems()
}
