package toolbartest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// formPage is a page of an app with a field of its own, a hash router
// that counts its navigations, and an N+1 behind it.
const formPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>form</title></head>
<body><h1>Edit</h1><label>Name <input id="name"></label>
<script src="/router.js"></script>
</body></html>`

const routerJS = `window.hashChanges = 0; addEventListener("hashchange", () => window.hashChanges++);`

// TestTheToolbarLeadsWithTheProblemAndStaysOutOfThePagesWay: a red
// handle opens on the panel that is red, a Timer row's link shows its
// query without touching the page's URL, and Escape in the page's own
// field is the page's.
func TestTheToolbarLeadsWithTheProblemAndStaysOutOfThePagesWay(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	db := openDB(t)
	tb := newToolbar(t, toolbar.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		for id := 1; id <= 4; id++ { // an N+1: one lookup per item
			var title string
			db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", id).Scan(&title)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, formPage)
	})
	mux.HandleFunc("GET /router.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, routerJS)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)
	open := func(t *testing.T) *browsertest.Tab {
		t.Helper()
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "a red handle", shadow(`s.querySelector("[data-testid=handle]")?.className.includes("danger")`))
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		return tab
	}

	t.Run("a red handle opens on the panel with the danger", func(t *testing.T) {
		tab := open(t)
		tab.Wait(t, "the SQL panel, with its N+1", shadow(`s.querySelector("[data-testid=content] [data-testid=alert][data-kind=n_plus_one]")`))
		if cur := tab.String(t, shadow(`s.querySelector("[role=tab][aria-selected=true]")?.dataset.testid || ""`)); cur != "nav-sql" {
			t.Errorf("the nav marks %q as current, want nav-sql", cur)
		}
		tab.CheckProblems(t)
	})
	t.Run("a Timer row's link opens its query in the SQL panel and leaves the page's URL alone", func(t *testing.T) {
		tab := open(t)
		tab.Wait(t, "the SQL panel", shadow(`s.querySelector("[data-testid=content] [data-testid=query]")`))
		tab.ClickInToolbar(t, "[data-testid=nav-timer]")
		tab.Wait(t, "the Timer", shadow(`s.querySelector("[data-testid=content] .dt-wf-label")`))
		tab.ClickInToolbar(t, ".dt-wf-label[href^='#debugtoolbar-query-']")
		tab.Wait(t, "the query, marked, in the SQL panel", shadow(`s.querySelector("[data-testid=content] [data-testid=query].dt-targeted")`))
		if got := tab.String(t, `location.hash + "|" + window.hashChanges`); got != "|0" {
			t.Errorf("location.hash|hashchange events = %q, want none of either", got)
		}
		tab.CheckProblems(t)
	})
	t.Run("Escape in the page's own field does not close the toolbar; elsewhere it does", func(t *testing.T) {
		tab := open(t)
		tab.Eval(t, `document.getElementById("name").focus()`)
		tab.Do(t, "press Escape in the field", chromedp.KeyEvent(kb.Escape))
		if hidden := tab.String(t, shadow(`String(s.querySelector("[data-testid=bar]").hidden)`)); hidden != "false" {
			t.Errorf("Escape in the page's field closed the toolbar")
		}
		tab.Eval(t, `document.getElementById("name").blur()`)
		tab.Do(t, "press Escape on the page", chromedp.KeyEvent(kb.Escape))
		tab.Wait(t, "closed", shadow(`s.querySelector("[data-testid=bar]").hidden`))
	})
	t.Run("focus goes to the open panel's tab, follows the arrow keys, and returns to the handle on close", func(t *testing.T) {
		tab := open(t)
		active := shadow(`s.activeElement?.dataset.testid || ""`)
		tab.Wait(t, "focus on the SQL tab", active+` === "nav-sql"`)
		if exp := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").getAttribute("aria-expanded")`)); exp != "true" {
			t.Errorf("handle aria-expanded = %q while open", exp)
		}
		tab.Do(t, "press ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
		tab.Wait(t, "the next tab focused and selected", shadow(`s.activeElement?.getAttribute("aria-selected") === "true" && s.activeElement.dataset.testid !== "nav-sql"`))
		tab.Wait(t, "its panel shown", shadow(`s.getElementById("dtb-panel").getAttribute("aria-labelledby") === s.activeElement.id`))
		tab.ClickInToolbar(t, "[data-testid=close]")
		tab.Wait(t, "focus back on the handle", active+` === "handle"`)
		if label := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").textContent`)); !strings.Contains(label, "4 queries") || !strings.Contains(label, "danger alert") {
			t.Errorf("handle label %q: want its summary and its level in words", label)
		}
	})
	t.Run("docked at the bottom, resized with the keyboard, remembered after a reload", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=dock-bottom]")
		tab.Wait(t, "the bar across the bottom", shadow(`(r => r.top > 0 && Math.abs(r.width - innerWidth) < 2 && Math.abs(r.bottom - innerHeight) < 2)(s.querySelector("[data-testid=bar]").getBoundingClientRect())`))
		before := tab.String(t, shadow(`String(s.querySelector("[data-testid=bar]").offsetHeight)`))
		tab.Eval(t, shadow(`s.querySelector("[data-testid=resizer]").focus()`))
		tab.Do(t, "grow it with ArrowUp twice", chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp))
		after := tab.String(t, shadow(`String(s.querySelector("[data-testid=bar]").offsetHeight)`))
		if before == after {
			t.Fatalf("height %s before and after ArrowUp twice", before)
		}
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "the same place and size after a reload", shadow(`(b => b && !b.hidden && String(b.offsetHeight) === `+strconv.Quote(after)+` && b.getBoundingClientRect().top > 0)(s.querySelector("[data-testid=bar]"))`))
		tab.ClickInToolbar(t, "[data-testid=dock-right]") // leave the next steps' default alone
	})
	t.Run("the bar leaves most of a 1280 px window to the page", func(t *testing.T) {
		tab := open(t)
		if w := tab.String(t, shadow(`(s.querySelector("[data-testid=bar]").getBoundingClientRect().width / innerWidth).toFixed(2)`)); w > "0.60" || len(w) != 4 {
			t.Errorf("the bar covers %s of the window's width, want at most 0.60", w)
		}
	})
	t.Run("hidden for the session, Alt+Shift+D brings the handle back", func(t *testing.T) {
		tab := open(t)
		tab.ClickInToolbar(t, "[data-testid=hide]")
		tab.Wait(t, "no handle, no bar", shadow(`s.querySelector("[data-testid=handle]").hidden && s.querySelector("[data-testid=bar]").hidden`))
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "still hidden after a reload", shadow(`s.querySelector("[data-testid=handle]")?.hidden === true`))
		tab.Do(t, "press Alt+Shift+D", chromedp.KeyEvent("D", chromedp.KeyModifiers(chromedp.ModifierAlt, chromedp.ModifierShift)))
		tab.Wait(t, "the handle back", shadow(`s.querySelector("[data-testid=handle]").hidden === false`))
	})
	t.Run("a panel opened again is not fetched again and keeps its scroll position", func(t *testing.T) {
		tab := open(t)
		tab.Wait(t, "the SQL panel", shadow(`s.querySelector("[data-testid=content] [data-testid=query]")`))
		const fetches = `String(performance.getEntriesByType("resource").filter(e => e.name.includes("/panels/")).length)`
		tab.Eval(t, shadow(`(m => { m.querySelector("[data-testid=content]").style.minHeight = "3000px"; m.scrollTop = 400; })(s.getElementById("dtb-panel"))`))
		before := tab.String(t, fetches)
		tab.ClickInToolbar(t, "[data-testid=nav-request]")
		tab.Wait(t, "the Request panel", shadow(`s.querySelector("[data-testid=content] [data-testid=panel-request]")`))
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "the SQL panel again", shadow(`s.querySelector("[data-testid=content] [data-testid=query]")`))
		after := tab.String(t, fetches)
		if b, _ := strconv.Atoi(before); after != strconv.Itoa(b+1) {
			t.Errorf("panel fetches: %s before, %s after opening Request and SQL again; want one more (Request's)", before, after)
		}
		if top := tab.String(t, shadow(`String(s.getElementById("dtb-panel").scrollTop)`)); top != "400" {
			t.Errorf("SQL panel's scroll position %s after switching back, want 400", top)
		}
	})
	t.Run("a later request is listed with its status, duration, queries and alert", func(t *testing.T) {
		tab := open(t)
		tab.Eval(t, `fetch("/").then(r => r.text())`)
		const later = `[...s.querySelectorAll("[data-testid=request]")].find(b => b.getAttribute("aria-current") === "false")`
		tab.Wait(t, "the later request with its figures", shadow(later+`?.querySelector("[data-testid=request-facts]")?.textContent.includes("4 q")`))
		facts := tab.String(t, shadow(later+`.querySelector("[data-testid=request-facts]").textContent`))
		if !strings.Contains(facts, "200") || !strings.Contains(facts, " ms") || !strings.Contains(facts, "\u26a0 1") {
			t.Errorf("later request's facts %q: want its status, duration, query count and alert", facts)
		}
	})
	t.Run("Accept mutes the N+1 from the next request; Clear the list empties the history", func(t *testing.T) {
		tab := open(t)
		tab.Wait(t, "the N+1's Accept button", shadow(`s.querySelector("[data-testid=content] [data-kind=n_plus_one] [data-testid=alert-accept]")`))
		tab.ClickInToolbar(t, "[data-testid=content] [data-kind=n_plus_one] [data-testid=alert-accept]")
		tab.Wait(t, "the alert muted", shadow(`s.querySelector("[data-testid=content] [data-kind=n_plus_one]").classList.contains("dt-alert-accepted")`))
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "a handle no longer red", shadow(`(h => h && !h.className.includes("danger"))(s.querySelector("[data-testid=handle]"))`))
		tab.Navigate(t, srv.URL+"/__debug__/")
		tab.Wait(t, "the history's rows", `document.querySelectorAll("[data-testid=history-row]").length > 0`)
		// What the button does (pages.js), without its reload racing the
		// test's polling: POST with the page's token, then load the page.
		tab.Eval(t, `fetch(document.body.dataset.prefix + "history/clear", { method: "POST", headers: { "X-Debugtoolbar-Token": document.body.dataset.token } }).then(r => { if (!r.ok) throw new Error(r.status); })`)
		tab.Navigate(t, srv.URL+"/__debug__/")
		// Empty, or only a static asset fetched since (the browser's
		// /favicon.ico for this very page), hidden by default.
		tab.Wait(t, "the list cleared", `!document.querySelector("[data-testid=history-row]") && !!document.querySelector("[data-testid=history-empty], [data-testid=history-none-match]")`)
		tab.CheckProblems(t)
	})
	t.Run("the handle dragged to the top left corner stays there, and the drag does not open the toolbar", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
		tab.Eval(t, shadow(`(h => {
			const r = h.getBoundingClientRect(), x = r.left + 5, y = r.top + 5;
			h.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, composed: true, button: 0, clientX: x, clientY: y }));
			window.dispatchEvent(new PointerEvent("pointermove", { clientX: 20, clientY: 20 }));
			window.dispatchEvent(new PointerEvent("pointerup", { clientX: 20, clientY: 20 }));
			h.click(); // the click that ends a drag
		})(s.querySelector("[data-testid=handle]"))`))
		tab.Wait(t, "the handle at the top left", shadow(`(r => r.top < 40 && r.left < 40)(s.querySelector("[data-testid=handle]").getBoundingClientRect())`))
		if hidden := tab.String(t, shadow(`String(s.querySelector("[data-testid=bar]").hidden)`)); hidden != "true" {
			t.Errorf("the drag opened the toolbar")
		}
		tab.Navigate(t, srv.URL)
		tab.Wait(t, "still at the top left after a reload", shadow(`(h => h && (r => r.top < 40 && r.left < 40)(h.getBoundingClientRect()))(s.querySelector("[data-testid=handle]"))`))
	})
}
