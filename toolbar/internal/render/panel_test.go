package render

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestBuiltin(t *testing.T) {
	var ids []string
	for _, p := range Builtin() {
		ids = append(ids, p.ID())
	}
	want := []string{"request", "response", "timer", "sql", "cache", "versions"}
	if !slices.Equal(ids, want) {
		t.Errorf("Builtin() = %v, want %v", ids, want)
	}
}

func TestByID(t *testing.T) {
	ps := Builtin()
	for _, c := range []struct {
		name, id, title string
		found           bool
	}{
		{"a built-in panel is found by its id", "sql", "SQL", true},
		{"the last panel is found too", "versions", "Versions", true},
		{"an unknown id is not found", "nope", "", false},
		{"ids are case-sensitive", "SQL", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ok := ByID(ps, c.id)
			if ok != c.found {
				t.Fatalf("found = %v, want %v", ok, c.found)
			}
			if ok && p.Title() != c.title {
				t.Errorf("title = %q, want %q", p.Title(), c.title)
			}
		})
	}
}

func TestEveryPanelRenders(t *testing.T) {
	for _, rc := range []struct {
		name string
		rec  *panels.Record
	}{
		{"an empty record", &panels.Record{}},
		{"a realistic record", recordtest.Realistic()},
	} {
		for _, p := range Builtin() {
			t.Run(p.ID()+" panel for "+rc.name, func(t *testing.T) {
				doc := renderHTML(t, p.Content(rc.rec))
				root := one(t, doc, "panel-"+p.ID())
				if !hasClass(root, "dt-panel") {
					t.Errorf("root class = %q, want dt-panel", attr(root, "class"))
				}
				_ = p.Summary(rc.rec)
				if rc.rec.ID == "" && p.Level(rc.rec) != panels.Info {
					t.Errorf("Level of an empty record = %v, want info", p.Level(rc.rec))
				}
			})
		}
	}
}

func TestSummaries(t *testing.T) {
	rec := recordtest.Realistic()
	for _, c := range []struct {
		name, panel string
		rec         *panels.Record
		want        string
	}{
		{"the request is its method and route", "request", rec, "GET /posts"},
		{"the response is status, type and size", "response", rec, "200 OK, text/html, 18.0 KiB"},
		{"a response that panicked says so", "response", &panels.Record{Panic: "runtime error: index out of range"}, "panic: runtime error: index out of range"},
		{"the timer is the total and the SQL time", "timer", rec, "180 ms, 129 ms in SQL"},
		{"SQL counts statements, similar, duplicates and errors", "sql", rec, "13 queries in 129 ms, 8 similar, 2 duplicates, 1 error"},
		{"SQL without queries", "sql", &panels.Record{}, "No queries"},
		{"the cache counts calls and hits", "cache", rec, "4 calls, 33% hits, 5.80 ms, 1 error"},
		{"the cache without calls", "cache", &panels.Record{}, "No calls"},
		{"the timer of an empty record says nothing", "timer", &panels.Record{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, _ := ByID(Builtin(), c.panel)
			if got := p.Summary(c.rec); got != c.want {
				t.Errorf("Summary = %q, want %q", got, c.want)
			}
		})
	}
	p, _ := ByID(Builtin(), "versions")
	if got := p.Summary(rec); !strings.HasPrefix(got, "go") {
		t.Errorf("versions Summary = %q, want the Go version", got)
	}
}

func TestLevels(t *testing.T) {
	rec := recordtest.Realistic()
	only := func(kind panels.AlertKind, s panels.Severity) *panels.Record {
		return &panels.Record{Alerts: []panels.Alert{{Kind: kind, Severity: s, Queries: []int32{0}}}}
	}
	for _, c := range []struct {
		name, panel string
		rec         *panels.Record
		want        panels.Severity
	}{
		{"SQL with an N+1 and a failed query is danger", "sql", rec, panels.Danger},
		{"SQL with only duplicates is a warning", "sql", only(panels.AlertDuplicate, panels.Warning), panels.Warning},
		{"SQL with only dropped queries stays info", "sql", only(panels.AlertQueriesCapped, panels.Info), panels.Info},
		{"SQL ignores alerts of other kinds", "sql", &panels.Record{Alerts: []panels.Alert{{Kind: "custom", Severity: panels.Danger}}}, panels.Info},
		{"SQL ignores accepted alerts", "sql", &panels.Record{Alerts: []panels.Alert{{Kind: panels.AlertNPlusOne, Severity: panels.Danger, Queries: []int32{0}, Accepted: true}}}, panels.Info},
		{"a failed cache call is a warning", "cache", rec, panels.Warning},
		{"a clean cache is info", "cache", &panels.Record{Cache: []panels.CacheEvent{{Op: "get"}}}, panels.Info},
		{"a 200 response is info", "response", rec, panels.Info},
		{"a 404 response is a warning", "response", &panels.Record{Response: panels.Response{Status: http.StatusNotFound}}, panels.Warning},
		{"a panic is danger", "response", &panels.Record{Panic: "boom", Response: panels.Response{Status: 200}}, panels.Danger},
		{"the request is always info", "request", rec, panels.Info},
		{"the timer of a clean request is info", "timer", rec, panels.Info},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, _ := ByID(Builtin(), c.panel)
			if got := p.Level(c.rec); got != c.want {
				t.Errorf("Level = %v, want %v", got, c.want)
			}
		})
	}
}

func TestADecodedRecordShowsAsTheOriginal(t *testing.T) {
	for _, rc := range []struct {
		name string
		rec  *panels.Record
	}{
		{"a realistic record", recordtest.Realistic()},
		{"recorded queries with their stacks", recordtest.Recorded(t)},
	} {
		b, err := json.Marshal(rc.rec)
		if err != nil {
			t.Fatal(err)
		}
		var back panels.Record
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for _, p := range Builtin() {
			t.Run(p.ID()+" panel of "+rc.name, func(t *testing.T) {
				var want, got bytes.Buffer
				if err := p.Content(rc.rec).Render(context.Background(), &want); err != nil {
					t.Fatal(err)
				}
				if err := p.Content(&back).Render(context.Background(), &got); err != nil {
					t.Fatal(err)
				}
				if want.String() != got.String() {
					t.Errorf("the panel of the decoded record differs")
				}
			})
		}
	}
}

const xss = `<script>alert(1)</script>`

// hostile is a record with markup wherever a request or an app can put
// text.
func hostile() *panels.Record {
	r := &panels.Record{
		ID: xss, Start: recordtest.T0, Duration: 10 * time.Millisecond,
		Request: panels.Request{Method: "GET", URL: "/" + xss, Path: "/" + xss, Route: xss, Host: xss,
			Header:  http.Header{"X-Evil": {xss}},
			Query:   map[string][]string{xss: {xss}},
			Cookies: []panels.Cookie{{Name: xss, Value: "1"}}},
		Response: panels.Response{Status: 500, ContentType: xss, NotInjected: xss, Header: http.Header{xss: {xss}}},
		Queries: recordtest.QueriesOf(recordtest.T0, recordtest.Event(sqltrace.KindQuery, 1, time.Millisecond, 0, "SELECT '"+xss+"' FROM t -- "+xss, xss),
			recordtest.Event(sqltrace.KindQuery, 1, time.Millisecond, 0, "SELECT "+xss)),
		Cache: []panels.CacheEvent{{Op: xss, Key: xss, Backend: xss}},
		Spans: []panels.Span{{Name: xss}},
		Panic: xss,
	}
	r.Finish(panels.Thresholds{})
	r.Alerts = []panels.Alert{{Kind: xss, Message: xss, Severity: panels.Danger, Queries: []int32{0}}}
	return r
}

func TestMarkupInRecordedTextIsShownAsText(t *testing.T) {
	rec := hostile()
	for _, p := range Builtin() {
		t.Run("the "+p.ID()+" panel", func(t *testing.T) {
			doc := renderHTML(t, p.Content(rec))
			if s := byTag(doc, "script"); len(s) != 0 {
				t.Fatalf("%d script elements rendered", len(s))
			}
			if p.ID() != "versions" && !strings.Contains(text(doc), xss) {
				t.Errorf("the markup is not shown as text")
			}
		})
	}
	t.Run("the request page", func(t *testing.T) {
		doc := renderHTML(t, RequestPage(PageData{Prefix: "/__debug__/"}, rec, Builtin()))
		if s := byTag(doc, "script"); len(s) != 0 {
			t.Fatalf("%d script elements rendered", len(s))
		}
	})
	t.Run("the history page", func(t *testing.T) {
		doc := renderHTML(t, HistoryPage(PageData{Prefix: "/__debug__/"}, recordtest.Summaries(rec), HistoryFilter{}))
		if s := byTag(doc, "script"); len(s) != 0 {
			t.Fatalf("%d script elements rendered", len(s))
		}
		link := one(t, doc, "history-link")
		if href := attr(link, "href"); strings.ContainsAny(href, "<>") {
			t.Errorf("href = %q, want the id escaped", href)
		}
	})
	t.Run("the SQL of a query, a header value and a cookie name", func(t *testing.T) {
		sqlDoc := renderHTML(t, sqlPanel{}.Content(rec))
		if got := text(byTestID(sqlDoc, "query-sql")[1]); got != "SELECT "+xss {
			t.Errorf("query text = %q", got)
		}
		reqDoc := renderHTML(t, requestPanel{}.Content(rec))
		headers := one(t, reqDoc, "request-headers")
		if got := text(one(t, headers, "kv-value")); got != xss {
			t.Errorf("header value = %q", got)
		}
		cookies := one(t, reqDoc, "request-cookies")
		if got := text(one(t, cookies, "kv-name")); got != xss {
			t.Errorf("cookie name = %q", got)
		}
	})
}
