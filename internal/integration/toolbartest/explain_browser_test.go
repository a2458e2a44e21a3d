package toolbartest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// TestExplainInABrowser clicks Explain in the toolbar of a page with a
// strict CSP and on the toolbar's own request page, in both themes: the
// plan shows under the query, its full scan marked in the warning colour,
// and the browser reports no problem (no CSP refusal, no error).
func TestExplainInABrowser(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	db, err := sqltrace.Open("sqlite", filepath.Join(t.TempDir(), "pets.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var values []string
	for i := range 1000 {
		values = append(values, fmt.Sprintf("(%d, %d)", i+1, i%10))
	}
	if _, err := db.ExecContext(context.Background(), "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER); INSERT INTO pets VALUES "+strings.Join(values, ", ")); err != nil {
		t.Fatal(err)
	}
	tb := newToolbar(t, toolbar.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		db.QueryRowContext(r.Context(), "SELECT count(*) FROM pets WHERE owner_id = ?", 3).Scan(&n)
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><title>pets</title></head><body><p>pets</p></body></html>`)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(tb.Middleware(mux))
	t.Cleanup(srv.Close)
	const warning = `(() => { const e = document.querySelector(".dt-plan-fullscan > .dt-plan-op"); return e && getComputedStyle(e).color; })()`

	for _, theme := range []string{"light", "dark"} {
		t.Run("in the toolbar, "+theme, func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Theme(t, theme)
			tab.Navigate(t, srv.URL)
			tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
			tab.ClickInToolbar(t, "[data-testid=handle]")
			tab.ClickInToolbar(t, "[data-testid=nav-sql]")
			tab.Wait(t, "the Explain button", shadow(`s.querySelector("[data-testid=explain-button]")`))
			tab.ClickInToolbar(t, "[data-testid=explain-button]")
			tab.Wait(t, "the plan", shadow(`s.querySelector("[data-testid=plan-slot] [data-full-scan=true]")`))
			if got := tab.String(t, shadow(`s.querySelector("[data-testid=plan-fix]").textContent`)); !strings.Contains(got, "CREATE INDEX pets_owner_id ON pets (owner_id)") {
				t.Errorf("the fix shown is %q", got)
			}
			fg := tab.String(t, shadow(`getComputedStyle(s.querySelector(".dt-plan-fullscan > .dt-plan-op")).color`))
			normal := tab.String(t, shadow(`getComputedStyle(s.querySelector(".dt-plan-head")).color`))
			if fg == normal {
				t.Errorf("the full scan is not highlighted: %s, as the plan's head", fg)
			}
			tab.Screenshot(t, "explain-toolbar-"+theme)
			tab.CheckProblems(t)
		})
		t.Run("on the request page, "+theme, func(t *testing.T) {
			tab := b.NewTab(t)
			tab.Theme(t, theme)
			tab.Navigate(t, srv.URL)
			tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.id`))
			id := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").dataset.id`))
			tab.Navigate(t, srv.URL+"/__debug__/requests/"+id)
			tab.Eval(t, `document.querySelector("[data-testid=explain-button]").click()`)
			tab.Wait(t, "the plan", `document.querySelector("[data-testid=plan-slot] [data-full-scan=true]")`)
			if got := tab.String(t, warning); got == "" {
				t.Errorf("no colour on the full scan")
			}
			tab.Eval(t, `document.querySelector("[data-testid=plan]").scrollIntoView({block: "center"})`)
			tab.Screenshot(t, "explain-page-"+theme)
			tab.CheckProblems(t)
		})
	}
}
