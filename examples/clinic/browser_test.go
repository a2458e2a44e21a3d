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
	// open opens the page in a tab of the step's own, in the light theme,
	// and waits for the toolbar's handle.
	open := func(t *testing.T) *browsertest.Tab {
		t.Helper()
		tab := b.NewTab(t)
		tab.Theme(t, "light")
		tab.Navigate(t, on.base+page)
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.queries === "21"`))
		return tab
	}

	t.Run("the collapsed handle shows the query count", func(t *testing.T) {
		tab := open(t)
		if text := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(text, "21 queries") {
			t.Errorf("handle reads %q", text)
		}
		tab.CheckProblems(t)
	})
	t.Run("a refused client sees the page without the toolbar, styled the same", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Theme(t, "light")
		tab.Navigate(t, off.base+page)
		offStyle := tab.String(t, hostStyle)
		if tab.String(t, `String(document.getElementById("debugtoolbar"))`) != "null" {
			t.Fatal("a refused client got the toolbar")
		}
		tab = open(t)
		if got := tab.String(t, hostStyle); got != offStyle {
			t.Errorf("with the toolbar %q, without %q", got, offStyle)
		}
	})
	t.Run("the SQL panel shows the queries and the N+1 alert", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "21 queries", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 21`))
		tab.Wait(t, "the N+1 alert", shadow(`[...s.querySelectorAll("[data-testid=content] [data-testid=alert]")].some(a => a.textContent.includes("N+1"))`))
		tab.Screenshot(t, "clinic-sql-light")
		tab.CheckProblems(t)
	})
	t.Run("a fetch made by the page shows in the toolbar and opens", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.ClickInToolbar(t, "[data-testid=nav-sql]") // the fetch's record opens on it
		tab.Eval(t, `fetch("/n-plus-one/fix").then(r => r.text())`)
		const fetched = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.textContent.includes("/n-plus-one/fix"))`
		tab.Wait(t, "the fetch in the list", shadow(fetched))
		tab.Eval(t, shadow(fetched+`.click()`))
		tab.Wait(t, "the fix's one query", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length === 1`))
		tab.CheckProblems(t)
	})
	t.Run("dark", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Theme(t, "dark")
		tab.Navigate(t, on.base+"/duplicate-queries/bad")
		tab.Wait(t, "the side bar", shadow(`s.querySelectorAll("[data-testid=content] [data-testid=query]").length > 0`))
		tab.Screenshot(t, "clinic-sql-dark")
		tab.ClickInToolbar(t, "[data-testid=nav-timer]")
		tab.Wait(t, "the timeline", shadow(`s.querySelector("[data-testid=content] svg")`))
		tab.Screenshot(t, "clinic-timer-dark")
		tab.CheckProblems(t)
	})
	t.Run("every panel opens", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Navigate(t, on.base+"/top-posts/fix")
		tab.Navigate(t, on.base+"/top-posts/fix") // the second load hits the cache
		for _, p := range []string{"request", "response", "timer", "sql", "cache", "versions"} {
			tab.ClickInToolbar(t, "[data-testid=nav-"+p+"]")
			tab.Wait(t, "the "+p+" panel", shadow(`s.querySelector("[data-testid=content] [data-testid=panel-`+p+`]")`))
			tab.Screenshot(t, "clinic-panel-"+p)
		}
		tab.CheckProblems(t)
	})
	t.Run("the history page lists the requests", func(t *testing.T) {
		tab := open(t)
		tab.Navigate(t, on.base+"/n-plus-one/fix")
		tab.Navigate(t, on.base+"/duplicate-queries/bad")
		tab.Navigate(t, on.base+"/__debug__/")
		tab.Wait(t, "history rows", `document.querySelectorAll("[data-testid=history-row]").length >= 3`)
		tab.Screenshot(t, "clinic-history")
		tab.CheckProblems(t)
	})
}
