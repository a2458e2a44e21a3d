package toolbartest_test

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/debugtoolbar/debugtoolbar/internal/integration/browsertest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

const plainPage = `<!doctype html><html><head><meta charset="utf-8"><title>sql</title></head><body><h1>SQL</h1></body></html>`

// sqlListApp is an app whose pages each run one kind of SQL load: a bulk
// INSERT of 600 rows and a long post body, an N+1 of 200, a mix of reads,
// writes and one slow query, a query with a quote, a NULL and a number,
// and 1,000 queries of a few shapes.
func sqlListApp(t *testing.T, db *sql.DB, mw func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	page := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, plainPage)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bulk", func(w http.ResponseWriter, r *http.Request) {
		var q strings.Builder
		var args []any
		q.WriteString("INSERT INTO posts (title) VALUES ")
		for i := range 600 {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?)")
			args = append(args, fmt.Sprintf("bulk %d", i))
		}
		if _, err := db.ExecContext(r.Context(), q.String(), args...); err != nil {
			t.Error(err)
		}
		body := strings.Repeat("A long post body. ", 40)
		db.ExecContext(r.Context(), "UPDATE posts SET title = ? WHERE id = ?", body, 1)
		page(w)
	})
	mux.HandleFunc("GET /nplus1", func(w http.ResponseWriter, r *http.Request) {
		for i := range 200 {
			var title string
			db.QueryRowContext(r.Context(), "SELECT title FROM posts WHERE id = ?", i%3+1).Scan(&title)
		}
		page(w)
	})
	mux.HandleFunc("GET /mixed", func(w http.ResponseWriter, r *http.Request) {
		var n int
		db.QueryRowContext(r.Context(), "SELECT count(*) FROM posts").Scan(&n)
		db.ExecContext(r.Context(), "UPDATE posts SET title = ? WHERE id = ?", "renamed", 2)
		db.QueryRowContext(r.Context(), "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c").Scan(&n)
		db.QueryRowContext(r.Context(), "SELECT id FROM posts WHERE title = ?", "one").Scan(&n)
		db.QueryRowContext(r.Context(), "SELECT ?, ?, ?", "it's", nil, 42).Scan(new(string), new(sql.NullString), new(int))
		page(w)
	})
	mux.HandleFunc("GET /thousand", func(w http.ResponseWriter, r *http.Request) {
		shapes := []string{
			"SELECT id, title FROM posts WHERE id = ?",
			"SELECT count(*) FROM posts WHERE title <> ?",
			"SELECT p.id, p.title FROM posts p WHERE p.id IN (SELECT id FROM posts WHERE title = ?) ORDER BY p.title LIMIT 10",
			"UPDATE posts SET title = title WHERE id = ?",
			"SELECT title FROM posts WHERE title LIKE ? ORDER BY id DESC LIMIT 5",
		}
		// 40 statements of their own shape: the list has more items than
		// carry their stack inline.
		for i := range 40 {
			db.QueryRowContext(r.Context(), fmt.Sprintf("SELECT id AS c%d FROM posts LIMIT 1", i)).Scan(new(int))
		}
		for i := range 960 {
			s := shapes[i%len(shapes)]
			if s[0] == 'U' {
				db.ExecContext(r.Context(), s, i%3+1)
				continue
			}
			rows, err := db.QueryContext(r.Context(), s, strconv.Itoa(i%3+1))
			if err == nil {
				rows.Close()
			}
		}
		page(w)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mw(mux))
	t.Cleanup(srv.Close)
	return srv
}

// TestTheSQLListIsATool: long SQL and arguments are collapsed, similar
// statements grouped, the list can be found in, filtered and sorted, a
// statement copied runnable, stacks show the app's frames with editor
// links, and 1,000 queries stay under the DOM budget.
func TestTheSQLListIsATool(t *testing.T) {
	b := browsertest.Start(t)
	shadow := browsertest.Shadow
	db := openDB(t)
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tb := newToolbar(t, toolbar.Config{
		MaxQueries: 2000,
		// The recursive query of /mixed takes some milliseconds: slow here,
		// so the test does not need a query slow enough to matter under
		// -race on a busy machine.
		Thresholds:    panels.Thresholds{SlowQuery: 3 * time.Millisecond},
		Editor:        "vscode://file{path}:{line}",
		EditorPathMap: map[string]string{here: "/host/src/toolbartest"},
	})
	srv := sqlListApp(t, db, tb.Middleware)
	// openSQL opens path with the toolbar on its SQL panel.
	openSQL := func(t *testing.T, path string) *browsertest.Tab {
		t.Helper()
		tab := b.NewTab(t)
		// /thousand runs 1,000 SQLite queries before it answers: under the
		// race detector, beside CI's other packages on two cores, that took
		// more than the default 10 s once.
		tab.Timeout = 30 * time.Second
		tab.Theme(t, "light")
		tab.Navigate(t, srv.URL+path)
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")`))
		tab.ClickInToolbar(t, "[data-testid=handle]")
		tab.Wait(t, "the side bar", shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		tab.ClickInToolbar(t, "[data-testid=nav-sql]")
		tab.Wait(t, "the SQL list", shadow(`s.querySelector("[data-testid=content] [data-testid=sql-list]")`))
		return tab
	}
	const pane = `s.querySelector("[data-testid=content]")`

	t.Run("a 600-row INSERT shows its first rows and '… more', its arguments the first 10 and '+N more'", func(t *testing.T) {
		tab := openSQL(t, "/bulk")
		tab.Screenshot(t, "sql-bulk")
		sqlText := tab.String(t, shadow(pane+`.querySelector("[data-testid=query-sql]").textContent`))
		if !strings.Contains(sqlText, "… 597 more rows") || strings.Count(sqlText, "?") != 3 {
			t.Errorf("the INSERT reads %q", sqlText)
		}
		if n := tab.String(t, shadow(`String(`+pane+`.querySelector("[data-testid=query]").querySelectorAll("[data-testid=query-arg]").length)`)); n != "10" {
			t.Errorf("%s arguments listed, want 10", n)
		}
		// sqltrace keeps the first arguments of a huge statement only.
		kept, _ := strconv.Atoi(tab.String(t, shadow(`String(`+pane+`.querySelector("[data-testid=query-args-more] code").textContent.split("$").length - 1)`)))
		if more := tab.String(t, shadow(pane+`.querySelector("[data-testid=query-args-more] summary").textContent`)); kept < 100 || more != "+"+strconv.Itoa(kept)+" more" {
			t.Errorf("the more arguments read %q, with %d behind it", more, kept)
		}
		if all := tab.String(t, shadow(pane+`.querySelector("[data-testid=query-sql-all]").open + "|" + `+pane+`.querySelector("[data-testid=query-sql-all] pre").textContent.split("?").length`)); all != "false|601" {
			t.Errorf("the whole statement, behind Show: %q", all)
		}
		body := tab.String(t, shadow(`(() => { const q = `+pane+`.querySelectorAll("[data-testid=query]")[1]; return q.querySelector("[data-testid=query-arg]").textContent.length + "|" + !q.querySelector("[data-testid=query-arg-more]").open; })()`))
		if body != "121|true" { // 120 characters of 'A long..., and …
			t.Errorf("the long body argument: %q, want cut to 120 characters and the rest closed", body)
		}
		tab.CheckProblems(t)
	})
	t.Run("an N+1 of 200 is one group row ×200 with its total and max, that opens to its rows", func(t *testing.T) {
		tab := openSQL(t, "/nplus1")
		got := tab.String(t, shadow(`[...`+pane+`.querySelectorAll(".dt-queries > li")].length + "|" + `+pane+`.querySelector("[data-testid=group-count]").textContent + "|" + `+pane+`.querySelectorAll("[data-testid=query-group] [data-testid=query]").length`))
		if got != "1|×200|200" {
			t.Errorf("top-level items|count|rows = %q, want 1|×200|200", got)
		}
		if tot := tab.String(t, shadow(pane+`.querySelector("[data-testid=group-total]").textContent + "|" + `+pane+`.querySelector("[data-testid=group-max]").textContent`)); !strings.Contains(tot, "ms|max ") && !strings.Contains(tot, "µs|max ") {
			t.Errorf("total|max = %q", tot)
		}
		if st := tab.String(t, shadow(`[...`+pane+`.querySelectorAll("[data-testid=query-stack]")].map(d => d.parentElement.dataset.testid).join()`)); st != "query-group" {
			t.Errorf("stacks shown on %q, want on the group alone", st)
		}
		tab.Eval(t, shadow(pane+`.querySelector("[data-testid=group-rows]").open = true`))
		tab.Screenshot(t, "sql-nplus1-open")
		tab.Theme(t, "dark")
		tab.Screenshot(t, "sql-nplus1-open-dark")
		tab.CheckProblems(t)
	})
	t.Run("the find box, the kind and alert filters and the sort work", func(t *testing.T) {
		tab := openSQL(t, "/mixed")
		if shown := tab.String(t, shadow(`[...`+pane+`.querySelectorAll("[data-testid=sql-find], [data-testid=sql-kind], [data-testid=sql-only-alerts], [data-testid=sql-sort], [data-testid=copy-runnable]")].map(e => e.checkVisibility() ? "" : e.dataset.testid).join("")`)); shown != "" {
			t.Errorf("not visible: %q", shown)
		}
		visible := shadow(`[...` + pane + `.querySelectorAll(".dt-queries > li")].filter(li => !li.hidden).length`)
		if n := tab.String(t, `String(`+visible+`)`); n != "5" {
			t.Fatalf("%s rows shown at first, want 5", n)
		}
		tab.Eval(t, shadow(`(() => { const f = `+pane+`.querySelector("[data-testid=sql-find]"); f.value = "RECURSIVE"; f.dispatchEvent(new Event("input", {bubbles: true})); })()`))
		tab.Wait(t, "one row found", visible+` === 1`)
		tab.Screenshot(t, "sql-found")
		if shown := tab.String(t, shadow(pane+`.querySelector("[data-testid=sql-shown]").textContent`)); shown != "1 of 5 shown" {
			t.Errorf("shown = %q", shown)
		}
		tab.Eval(t, shadow(pane+`.querySelector("[data-testid=sql-find]").focus()`))
		tab.Do(t, "press Escape in the find box", chromedp.KeyEvent(kb.Escape))
		tab.Wait(t, "the find box cleared, the toolbar open", visible+` === 5 && `+shadow(`!s.querySelector("[data-testid=bar]").hidden`))
		tab.Eval(t, shadow(`(() => { const f = `+pane+`.querySelector("[data-testid=sql-find]"); f.value = "RECURSIVE"; f.dispatchEvent(new Event("input", {bubbles: true})); })()`))
		tab.Wait(t, "one row found again", visible+` === 1`)
		tab.Eval(t, shadow(`(() => { const f = `+pane+`.querySelector("[data-testid=sql-find]"); f.value = ""; f.dispatchEvent(new Event("input", {bubbles: true})); const k = `+pane+`.querySelector("[data-testid=sql-kind]"); k.value = "write"; k.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		tab.Wait(t, "the one write", visible+` === 1`)
		if w := tab.String(t, shadow(`[...`+pane+`.querySelectorAll(".dt-queries > li")].find(li => !li.hidden).dataset.kind`)); w != "exec" {
			t.Errorf("the write filter shows a %q", w)
		}
		tab.Eval(t, shadow(`(() => { const k = `+pane+`.querySelector("[data-testid=sql-kind]"); k.value = ""; k.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		tab.Wait(t, "all rows again", visible+` === 5`)
		tab.ClickInToolbar(t, "[data-testid=content] [data-testid=sql-only-alerts]")
		tab.Wait(t, "only the rows with alerts", visible+` < 5 && `+visible+` >= 1`)
		if got := tab.String(t, shadow(`(rows => rows.every(li => li.dataset.alerts || li.querySelector(".dt-badge.dt-level-warning, .dt-badge.dt-level-danger, [data-testid=query-slow]")) && rows.some(li => li.textContent.includes("RECURSIVE") && li.querySelector("[data-testid=query-slow]")) ? "ok" : rows.map(li => li.textContent.slice(0, 60)).join(" | "))([...`+pane+`.querySelectorAll(".dt-queries > li")].filter(li => !li.hidden))`)); got != "ok" {
			t.Errorf("only with alerts shows %s; want the slow RECURSIVE query among rows that all have an alert", got)
		}
		tab.ClickInToolbar(t, "[data-testid=content] [data-testid=sql-only-alerts]")
		tab.Wait(t, "all rows once more", visible+` === 5`)
		tab.ClickInToolbar(t, "[data-testid=content] [data-testid=sql-sort]")
		first := shadow(pane + `.querySelector(".dt-queries > li [data-testid=query-sql]").textContent`)
		if got := tab.String(t, first); !strings.Contains(got, "RECURSIVE") {
			t.Errorf("slowest first starts with %q", got)
		}
		if p := tab.String(t, shadow(pane+`.querySelector("[data-testid=sql-sort]").getAttribute("aria-pressed")`)); p != "true" {
			t.Errorf("the sort button is not pressed: %q", p)
		}
		tab.Screenshot(t, "sql-sorted")
		tab.ClickInToolbar(t, "[data-testid=content] [data-testid=sql-sort]")
		if got := tab.String(t, first); !strings.Contains(got, "count(*)") {
			t.Errorf("the order run starts with %q", got)
		}
		tab.CheckProblems(t)
	})
	t.Run("Copy runnable copies the SQL with a quote doubled, NULL and a number inlined", func(t *testing.T) {
		tab := openSQL(t, "/mixed")
		tab.Eval(t, `Object.defineProperty(navigator, "clipboard", {value: {writeText: t => { window.copied = t; return Promise.resolve(); }}, configurable: true})`)
		tab.Eval(t, shadow(`[...`+pane+`.querySelectorAll("[data-testid=query]")].find(q => q.textContent.includes("SELECT ?, ?, ?")).querySelector("[data-testid=copy-runnable]").click()`))
		tab.Wait(t, "the copy", `window.copied`)
		tab.Wait(t, "the copy said to screen readers", shadow(`s.querySelector("[data-testid=live][role=status]")?.textContent === "Copied"`))
		if got := tab.String(t, `window.copied`); got != "SELECT 'it''s', NULL, 42" {
			t.Errorf("copied %q", got)
		}
		if title := tab.String(t, shadow(pane+`.querySelector("[data-testid=copy-runnable]").title`)); !strings.Contains(title, "development database") {
			t.Errorf("the button's title %q does not say it is for a development database", title)
		}
		tab.ClickInToolbar(t, "[data-testid=content] [data-testid=copy-sql]")
		tab.Wait(t, "the SQL copied", `window.copied === "SELECT count(*) FROM posts"`)
		tab.CheckProblems(t)
	})
	t.Run("stacks show the app's frames with editor links, library frames folded and no toolbar frames", func(t *testing.T) {
		tab := openSQL(t, "/mixed")
		caller := tab.String(t, shadow(pane+`.querySelector("[data-testid=query-caller] [data-testid=editor-link]")?.getAttribute("href") || ""`))
		if !strings.HasPrefix(caller, "vscode://file/host/src/toolbartest/sql_list_browser_test.go:") {
			t.Errorf("the caller links to %q", caller)
		}
		tab.Eval(t, shadow(pane+`.querySelector("[data-testid=query-stack]").open = true`))
		got := tab.String(t, shadow(`(() => { const st = `+pane+`.querySelector("[data-testid=query-stack]");
			const lib = st.querySelectorAll("[data-testid=library-frames]");
			const frames = [...st.querySelectorAll("[data-testid=frame]")].map(f => f.textContent);
			return [lib.length > 0, [...lib].every(d => !d.open), frames.some(f => /debugtoolbar\/debugtoolbar\/(toolbar|sqltrace|panels)[./]/.test(f)),
				st.querySelector("[data-testid=frame][data-app=true] [data-testid=editor-link]") !== null].join("|"); })()`))
		if got != "true|true|false|true" {
			t.Errorf("library runs|folded|toolbar frames|app frame links = %q, want true|true|false|true", got)
		}
		tab.Screenshot(t, "sql-stack")
		tab.CheckProblems(t)
	})
	t.Run("the SQL panel of 1,000 queries stays under 15,000 elements, and a later stack is fetched when opened", func(t *testing.T) {
		tab := openSQL(t, "/thousand")
		n, _ := strconv.Atoi(tab.String(t, shadow(`String(`+pane+`.querySelectorAll("*").length)`)))
		size, _ := strconv.Atoi(tab.String(t, shadow(`String(`+pane+`.innerHTML.length)`)))
		t.Logf("the SQL panel of 1,000 queries: %d elements, %d characters of HTML", n, size)
		if n == 0 || n > 15000 {
			t.Errorf("%d elements in the SQL pane, budget 15,000", n)
		}
		if q := tab.String(t, shadow(`String(`+pane+`.querySelectorAll("[data-testid=query]").length)`)); q != "1000" {
			t.Errorf("%s query rows, want 1000", q)
		}
		tab.Eval(t, shadow(`(() => { const d = `+pane+`.querySelector("[data-testid=query-stack][data-stack-url]"); d.closest("[data-testid=group-rows]") && (d.closest("[data-testid=group-rows]").open = true); d.open = true; })()`))
		tab.Wait(t, "the fetched stack", shadow(pane+`.querySelector("[data-testid=query-stack][data-stack-url] [data-testid=frame]")`))
		tab.Screenshot(t, "sql-thousand")
		tab.Do(t, "narrow the window to 390 px", chromedp.EmulateViewport(390, 844))
		tab.Eval(t, shadow(pane+`.querySelector("[data-testid=sql-tools]").scrollIntoView()`))
		tab.Screenshot(t, "sql-thousand-390")
		tab.CheckProblems(t)
	})
	t.Run("the full page of the request shows the groups and stacks without script", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(t, srv.URL+"/nplus1")
		tab.Wait(t, "the handle", shadow(`s.querySelector("[data-testid=handle]")?.dataset.id`))
		id := tab.String(t, shadow(`s.querySelector("[data-testid=handle]").dataset.id`))
		tab.Navigate(t, srv.URL+"/__debug__/requests/"+id)
		if got := tab.String(t, `document.querySelector("[data-testid=group-count]").textContent + "|" + (getComputedStyle(document.querySelector("[data-testid=sql-tools]")).display === "none") + "|" + document.querySelectorAll("[data-stack-url]").length`); got != "×200|true|0" {
			t.Errorf("group|tools hidden|stacks to fetch = %q", got)
		}
		tab.CheckProblems(t)
	})
}
