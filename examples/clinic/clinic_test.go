package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// TestEveryBottleneckIsVisiblyWorseThanItsFix opens each slow page and its
// fix and checks, through the toolbar's JSON API, that the toolbar shows
// the difference the home page promises.
func TestEveryBottleneckIsVisiblyWorseThanItsFix(t *testing.T) {
	c := newClient(t)
	cases := []struct {
		name     string
		bad, fix string
		// beforeBad and beforeFix put the database in the state the side
		// needs (the index pair).
		beforeBad, beforeFix func(t *testing.T, c *client)
		// sameData is false where the two sides show different data by
		// design (the counter counts each view).
		sameData bool
		check    func(t *testing.T, c *client, bad, fix *visit)
	}{
		{
			name: "posts with their authors run one query per post, the JOIN runs one",
			bad:  "/n-plus-one/bad", fix: "/n-plus-one/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, listSize+1)
				wantQueries(t, fix, 1)
				wantAlert(t, bad, "n_plus_one")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "tags and comment counts per post are an N+1, batched loading is three queries",
			bad:  "/tags-and-comments/bad", fix: "/tags-and-comments/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, 2*listSize+1)
				wantQueries(t, fix, 3)
				wantAlert(t, bad, "n_plus_one")
				wantNoAlerts(t, fix)
				if !slices.ContainsFunc(fix.rec.Queries, func(q query) bool {
					return strings.Contains(q.SQL, "IN (?, ?") && strings.Contains(q.SQL, "post_tags")
				}) {
					t.Errorf("fix has no IN (...) query for the tags:\n%s", fix.rec)
				}
			},
		},
		{
			name: "counting in Go reads every comment, COUNT(*) reads a row per post",
			bad:  "/count-in-go/bad", fix: "/count-in-go/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				if got := bad.rec.rowsRead(); got < seedComments {
					t.Errorf("bad read %d rows, want at least %d (every comment)", got, seedComments)
				}
				if got := fix.rec.rowsRead(); got > 2*listSize+1 {
					t.Errorf("fix read %d rows, want at most %d", got, 2*listSize+1)
				}
				if b, f := bad.text("total"), fix.text("total"); b != fmt.Sprint(seedComments) || f != b {
					t.Errorf("totals: bad %q, fix %q, want %d", b, f, seedComments)
				}
				wantAlert(t, bad, "large_result")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "a title list through SELECT * drags the bodies along",
			bad:  "/all-columns/bad", fix: "/all-columns/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, 1)
				wantQueries(t, fix, 1)
				if q := bad.rec.Queries[0].SQL; !strings.Contains(q, "SELECT *") {
					t.Errorf("bad query %q does not select every column", q)
				}
				if q := fix.rec.Queries[0].SQL; strings.Contains(q, "*") || strings.Contains(q, "body") {
					t.Errorf("fix query %q selects more than the list needs", q)
				}
				wantAlert(t, bad, "wide_rows")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "without the index the plan scans posts, with it the plan searches the index",
			bad:  "/missing-index/bad", fix: "/missing-index/fix", sameData: true,
			beforeBad: func(t *testing.T, c *client) { c.post(t, "/missing-index", "drop", "/missing-index/bad") },
			beforeFix: func(t *testing.T, c *client) { c.post(t, "/missing-index", "create", "/missing-index/fix") },
			check: func(t *testing.T, c *client, bad, fix *visit) {
				t.Cleanup(func() { c.post(t, "/missing-index", "drop", "/missing-index/bad") })
				badPlan, fixPlan := bad.texts("plan-step"), fix.texts("plan-step")
				t.Logf("plan without the index: %q; with it: %q", badPlan, fixPlan)
				if p := strings.Join(badPlan, "\n"); !strings.Contains(p, "SCAN posts") || strings.Contains(p, "INDEX") {
					t.Errorf("plan without the index = %q, want a SCAN of posts", badPlan)
				}
				if p := strings.Join(fixPlan, "\n"); !strings.Contains(p, "SEARCH posts USING INDEX "+authorDateIndex) || strings.Contains(p, "SCAN") {
					t.Errorf("plan with the index = %q, want a SEARCH using %s", fixPlan, authorDateIndex)
				}
				// The toolbar's own Explain of the page's query finds the
				// missing index, and none once it exists.
				c.post(t, "/missing-index", "drop", "/missing-index/bad")
				if got := c.explain(t, bad.rec, "author_id"); len(got.PlanAlerts) != 1 || got.PlanAlerts[0].Kind != "missing_index" || !strings.Contains(got.PlanAlerts[0].Fix, "CREATE INDEX") {
					t.Errorf("Explain of the bad page's query: plan alerts %+v, want one missing_index with its CREATE INDEX", got.PlanAlerts)
				}
				c.post(t, "/missing-index", "create", "/missing-index/fix")
				if got := c.explain(t, fix.rec, "author_id"); len(got.PlanAlerts) != 0 {
					t.Errorf("Explain with the index: plan alerts %+v, want none", got.PlanAlerts)
				}
			},
		},
		{
			name: "importing row by row runs an INSERT per row, the batch runs one in a transaction",
			bad:  "/bulk-insert/bad", fix: "/bulk-insert/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, importSize+1) // DELETE, then the INSERTs
				wantQueries(t, fix, 2)            // DELETE, one INSERT
				wantAlert(t, bad, "row_by_row_writes")
				wantAlert(t, bad, "too_many_queries")
				wantNoAlerts(t, fix)
				if got := fix.rec.kinds(); !slices.Contains(got, "begin") || !slices.Contains(got, "commit") {
					t.Errorf("fix ran %v, want its INSERT inside a transaction", got)
				}
				for _, v := range []*visit{bad, fix} {
					if got := v.text("imported"); got != fmt.Sprint(importSize) {
						t.Errorf("%s imported %s rows, want %d", v.path, got, importSize)
					}
				}
				if n := c.countRows(t, "imported_comments"); n != importSize {
					t.Errorf("the scratch table holds %d rows after two imports, want %d", n, importSize)
				}
			},
		},
		{
			name: "read-modify-write runs a SELECT and an UPDATE, the atomic UPDATE runs alone",
			bad:  "/view-counter/bad", fix: "/view-counter/fix",
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, 2)
				wantQueries(t, fix, 1)
				if q := bad.rec.Queries; !strings.HasPrefix(q[0].SQL, "SELECT") || !strings.Contains(q[1].SQL, "UPDATE") {
					t.Errorf("bad ran %q, want a SELECT then an UPDATE", []string{q[0].SQL, q[1].SQL})
				}
				if q := fix.rec.Queries[0].SQL; !strings.Contains(q, "views = views + 1") {
					t.Errorf("fix ran %q, want views = views + 1", q)
				}
				wantAlert(t, bad, "read_modify_write")
				wantNoAlerts(t, fix)
				var b, f int
				fmt.Sscan(bad.text("views"), &b)
				fmt.Sscan(fix.text("views"), &f)
				if f != b+1 {
					t.Errorf("views went from %d to %d, want one more", b, f)
				}
			},
		},
		{
			name: "helpers that each load the post raise a duplicate-queries alert, loading once does not",
			bad:  "/duplicate-queries/bad", fix: "/duplicate-queries/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, fix, 3)
				if bad.rec.Stats.QueryCount <= fix.rec.Stats.QueryCount {
					t.Errorf("bad ran %d queries, fix %d; want bad to run more", bad.rec.Stats.QueryCount, fix.rec.Stats.QueryCount)
				}
				wantAlert(t, bad, "duplicate_query")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "OFFSET pagination counts and scans, the cursor searches the primary key",
			bad:  "/pagination/bad?page=40", fix: "/pagination/fix?before=111", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				if b, f := bad.rec.appQueries(), fix.rec.appQueries(); b != 2 || f != 1 {
					t.Errorf("without EXPLAIN: bad ran %d queries, fix %d; want 2 (COUNT and page) and 1", b, f)
				}
				badPlan, fixPlan := bad.texts("plan-step"), fix.texts("plan-step")
				t.Logf("OFFSET plan: %q; cursor plan: %q", badPlan, fixPlan)
				if !slices.Contains(badPlan, "SCAN posts") {
					t.Errorf("OFFSET plan = %q, want SCAN posts", badPlan)
				}
				if p := strings.Join(fixPlan, "\n"); !strings.Contains(p, "SEARCH posts USING INTEGER PRIMARY KEY") {
					t.Errorf("cursor plan = %q, want a SEARCH on the primary key", fixPlan)
				}
				if ids := bad.attrs("row", "data-id"); len(ids) != pageSize || ids[0] != "110" {
					t.Errorf("page 40 shows posts %v, want %d posts from #110", ids, pageSize)
				}
				wantAlert(t, bad, "offset_pagination")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "serial calls to the pricing service take at least twice as long as concurrent ones",
			bad:  "/external-calls/bad", fix: "/external-calls/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				bs, fs := bad.rec.spansNamed("/fake-service/price/"), fix.rec.spansNamed("/fake-service/price/")
				if len(bs) != pricedPosts || len(fs) != pricedPosts {
					t.Fatalf("spans of calls: bad %d, fix %d, want %d each", len(bs), len(fs), pricedPosts)
				}
				if overlapping(bs) {
					t.Errorf("bad's calls overlap on the timeline; want them one after the other")
				}
				if !overlapping(fs) {
					t.Errorf("fix's calls do not overlap on the timeline; want them side by side")
				}
				// Sleeps in a row cannot take less than their sum: a lower
				// bound, not a timing race.
				serial := pricedPosts * fakeLatency
				if w := extent(bs); w < serial {
					t.Errorf("bad waited %v on the service, want at least %v (the calls in a row)", w, serial)
				}
				wantAlert(t, bad, "serial_http_calls")
				wantNoAlerts(t, fix)
			},
		},
		{
			name: "a template that loads authors while rendering runs its queries inside the render span",
			bad:  "/template-queries/bad", fix: "/template-queries/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, listSize+1)
				wantQueries(t, fix, 1)
				wantAlert(t, bad, "n_plus_one")
				wantNoAlerts(t, fix)
				if n := bad.rec.queriesDuring("render"); n != listSize {
					t.Errorf("bad ran %d queries while rendering, want %d", n, listSize)
				}
				if n := fix.rec.queriesDuring("render"); n != 0 {
					t.Errorf("fix ran %d queries while rendering, want none", n)
				}
			},
		},
		{
			name: "the uncached block queries every time, the cached one hits the cache on the second load",
			bad:  "/top-posts/bad", fix: "/top-posts/fix", sameData: true,
			check: func(t *testing.T, c *client, bad, fix *visit) {
				wantQueries(t, bad, 1)
				if len(bad.rec.Cache) != 0 {
					t.Errorf("bad used the cache: %+v", bad.rec.Cache)
				}
				// The third request of the page in a row that reads the
				// same top posts is an uncached_query; the cached fix's
				// later requests read nothing.
				c.visit(t, bad.path)
				third := c.visit(t, bad.path)
				wantAlert(t, third, "uncached_query")
				again := c.visit(t, fix.path)
				wantQueries(t, again, 0)
				c.visit(t, fix.path)
				wantNoAlerts(t, c.visit(t, fix.path))
				if !slices.ContainsFunc(again.rec.Cache, func(e cacheEvent) bool {
					return e.Op == "get" && e.Key == topPostsKey && e.Hit
				}) {
					t.Errorf("second load of the fix has no cache hit: %+v", again.rec.Cache)
				}
			},
		},
	}
	if len(cases) != len(pairs(0)) {
		t.Fatalf("%d cases for %d pairs", len(cases), len(pairs(0)))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.beforeBad != nil {
				tc.beforeBad(t, c)
			}
			bad := c.visit(t, tc.bad)
			if tc.beforeFix != nil {
				tc.beforeFix(t, c)
			}
			fix := c.visit(t, tc.fix)
			t.Logf("queries: bad %d, fix %d; alerts: bad %v, fix %v", bad.rec.Stats.QueryCount, fix.rec.Stats.QueryCount, bad.rec.alertKinds(), fix.rec.alertKinds())
			if tc.sameData {
				if b, f := bad.texts("row"), fix.texts("row"); !slices.Equal(b, f) || len(b) == 0 {
					t.Errorf("the two sides show different data:\nbad %q\nfix %q", b, f)
				}
			}
			tc.check(t, c, bad, fix)
		})
	}
}

func TestTheHomePageListsTwelvePairsWhosePagesAllAnswer(t *testing.T) {
	c := newClient(t)
	home := c.visit(t, "/")
	items := home.find("pair")
	if len(items) != 12 {
		t.Fatalf("home lists %d pairs, want 12", len(items))
	}
	for i, item := range items {
		for _, side := range []string{"bad", "fix"} {
			links := findAll(item, side)
			if len(links) != 1 {
				t.Fatalf("pair %d has %d %s links, want 1", i+1, len(links), side)
			}
			href := attr(links[0], "href")
			t.Run(href, func(t *testing.T) {
				page := c.visit(t, href) // fails unless 200 and recorded
				twins := page.find("twin")
				other := map[string]string{"bad": "fix", "fix": "bad"}[side]
				if len(twins) != 1 || attr(twins[0], "href") != attr(findAll(item, other)[0], "href") {
					t.Errorf("%s does not link to its twin", href)
				}
			})
		}
	}
}

func TestTheSeededDatabaseIsComplete(t *testing.T) {
	db, err := openDB(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, want := range map[string]int{"authors": seedAuthors, "posts": seedPosts, "tags": seedTags, "comments": seedComments} {
		if n := count(t, db, table); n != want {
			t.Errorf("%s has %d rows, want %d", table, n, want)
		}
	}
	if n := count(t, db, "post_tags"); n < seedPosts {
		t.Errorf("post_tags has %d rows, want at least one per post", n)
	}
	var bodies int
	if err := db.QueryRow(`SELECT SUM(LENGTH(body)) FROM posts`).Scan(&bodies); err != nil {
		t.Fatal(err)
	}
	if bodies < seedPosts*2000 {
		t.Errorf("post bodies total %d bytes, want large bodies (2 KB or more each)", bodies)
	}
}

// --- the client ---

// client talks to a clinic served by httptest on 127.0.0.1, which the
// toolbar observes.
type client struct {
	base string
	http *http.Client
	app  *app
}

func newClient(t *testing.T) *client {
	t.Helper()
	return newClientWith(t, toolbar.Config{})
}

func newClientWith(t *testing.T, cfg toolbar.Config) *client {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	a, err := newApp(t.Context(), options{ServiceURL: "http://" + srv.Listener.Addr().String(), Toolbar: cfg})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{base: srv.URL, http: hc, app: a}
}

// visit is one page and the toolbar's record of it.
type visit struct {
	path string
	doc  *html.Node
	rec  record
}

// visit GETs path, wants a 200 with an X-Debug-Token, and fetches the
// toolbar's record of the request.
func (c *client) visit(t *testing.T, path string) *visit {
	t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	id := resp.Header.Get("X-Debug-Token")
	if id == "" {
		t.Fatalf("GET %s: no X-Debug-Token header", path)
	}
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	return &visit{path: path, doc: doc, rec: c.record(t, id)}
}

func (c *client) record(t *testing.T, id string) record {
	t.Helper()
	resp, err := c.http.Get(c.base + "/__debug__/api/v1/requests/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("record %s: %s\n%s", id, resp.Status, b)
	}
	var rec record
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != 1 {
		t.Fatalf("record %s: version %d, want 1", id, rec.Version)
	}
	return rec
}

// post submits the form action=value to path and wants a redirect to to.
// explain presses Explain on the first query of rec whose SQL has part in
// it, as the toolbar's button does (a POST with the page's token), and
// returns the record as it is then.
func (c *client) explain(t *testing.T, rec record, part string) record {
	t.Helper()
	n := slices.IndexFunc(rec.Queries, func(q query) bool { return strings.Contains(q.SQL, part) })
	if n < 0 {
		t.Fatalf("no query of %s has %q", rec.Request.Path, part)
	}
	resp, err := c.http.Get(c.base + "/__debug__/requests/" + rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, after, _ := strings.Cut(string(page), `data-token="`)
	token, _, _ := strings.Cut(after, `"`)
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/__debug__/requests/%s/queries/%d/explain", c.base, rec.ID, n), nil)
	req.Header.Set("X-Debugtoolbar-Token", token)
	resp, err = c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Explain of %q: %s %s", rec.Queries[n].SQL, resp.Status, body)
	}
	return c.record(t, rec.ID)
}

func (c *client) post(t *testing.T, path, action, to string) {
	t.Helper()
	resp, err := c.http.PostForm(c.base+path, url.Values{"action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != to {
		t.Fatalf("POST %s action=%s: %s to %q, want 303 to %q", path, action, resp.Status, resp.Header.Get("Location"), to)
	}
}

// countRows asks the app's database how many rows table has.
func (c *client) countRows(t *testing.T, table string) int {
	t.Helper()
	return count(t, c.app.store.db.DB, table)
}

func count(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// --- the toolbar's JSON ---

// record is the part of a record (GET api/v1/requests/{id}) these tests
// read; times are from the request's start, in nanoseconds.
type record struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Request struct {
		Path string `json:"path"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
	Duration time.Duration `json:"duration_ns"`
	Queries  []query       `json:"queries"`
	Cache    []cacheEvent  `json:"cache"`
	Spans    []span        `json:"spans"`
	Stats    struct {
		QueryCount int           `json:"query_count"`
		SQLTime    time.Duration `json:"sql_ns"`
	} `json:"stats"`
	Alerts []struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"alerts"`
	PlanAlerts []struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
		Fix     string `json:"fix"`
	} `json:"plan_alerts"`
}

type query struct {
	Kind     string        `json:"kind"`
	SQL      string        `json:"sql"`
	Rows     int64         `json:"rows"`
	Start    time.Duration `json:"start_ns"`
	Duration time.Duration `json:"duration_ns"`
}

type cacheEvent struct {
	Op  string `json:"op"`
	Key string `json:"key"`
	Hit bool   `json:"hit"`
}

type span struct {
	Name     string        `json:"name"`
	Start    time.Duration `json:"start_ns"`
	Duration time.Duration `json:"duration_ns"`
}

func (r record) String() string {
	var b strings.Builder
	for _, q := range r.Queries {
		fmt.Fprintf(&b, "  %s %s (%d rows)\n", q.Kind, strings.Join(strings.Fields(q.SQL), " "), q.Rows)
	}
	return b.String()
}

func (r record) alertKinds() []string {
	var out []string
	for _, a := range r.Alerts {
		if !slices.Contains(out, a.Kind) {
			out = append(out, a.Kind)
		}
	}
	return out
}

func (r record) kinds() []string {
	var out []string
	for _, q := range r.Queries {
		out = append(out, q.Kind)
	}
	return out
}

// rowsRead is the number of rows the request's queries returned.
func (r record) rowsRead() int64 {
	var n int64
	for _, q := range r.Queries {
		if q.Kind == "query" {
			n += q.Rows
		}
	}
	return n
}

// appQueries counts the queries and execs that are not EXPLAINs the page
// runs to show its plan.
func (r record) appQueries() int {
	n := 0
	for _, q := range r.Queries {
		if (q.Kind == "query" || q.Kind == "exec") && !strings.HasPrefix(q.SQL, "EXPLAIN") {
			n++
		}
	}
	return n
}

// spansNamed are the spans whose name has part in it ("GET
// 127.0.0.1:8080/fake-service/price/3 200 OK" for an outgoing call).
func (r record) spansNamed(part string) []span {
	var out []span
	for _, s := range r.Spans {
		if strings.Contains(s.Name, part) {
			out = append(out, s)
		}
	}
	return out
}

// queriesDuring counts the queries that started inside the span name.
func (r record) queriesDuring(name string) int {
	n := 0
	for _, s := range r.spansNamed(name) {
		for _, q := range r.Queries {
			if q.Start >= s.Start && q.Start <= s.Start+s.Duration {
				n++
			}
		}
	}
	return n
}

// extent is the stretch of time the spans cover, from the first start to
// the last end.
func extent(spans []span) time.Duration {
	if len(spans) == 0 {
		return 0
	}
	first, last := spans[0].Start, spans[0].Start+spans[0].Duration
	for _, s := range spans[1:] {
		first = min(first, s.Start)
		last = max(last, s.Start+s.Duration)
	}
	return last - first
}

// overlapping reports whether any two spans overlap in time.
func overlapping(spans []span) bool {
	for i, a := range spans {
		for _, b := range spans[i+1:] {
			if a.Start < b.Start+b.Duration && b.Start < a.Start+a.Duration {
				return true
			}
		}
	}
	return false
}

func wantQueries(t *testing.T, v *visit, n int) {
	t.Helper()
	if v.rec.Stats.QueryCount != n {
		t.Errorf("%s ran %d queries, want %d:\n%s", v.path, v.rec.Stats.QueryCount, n, v.rec)
	}
}

func wantAlert(t *testing.T, v *visit, kind string) {
	t.Helper()
	if !slices.Contains(v.rec.alertKinds(), kind) {
		t.Errorf("%s has alerts %v, want %s", v.path, v.rec.alertKinds(), kind)
	}
}

// wantNoAlerts wants no alert but slow_query, which depends on the
// machine more than on the code.
func wantNoAlerts(t *testing.T, v *visit) {
	t.Helper()
	for _, a := range v.rec.Alerts {
		if a.Kind != "slow_query" {
			t.Errorf("%s has alert %s (%s), want none", v.path, a.Kind, a.Message)
		}
	}
}

// --- the page's HTML, by data-testid ---

func (v *visit) find(testid string) []*html.Node { return findAll(v.doc, testid) }

// texts is the text of every element with the test id, spaces collapsed.
func (v *visit) texts(testid string) []string {
	var out []string
	for _, n := range v.find(testid) {
		out = append(out, text(n))
	}
	return out
}

func (v *visit) text(testid string) string { return strings.Join(v.texts(testid), " ") }

func (v *visit) attrs(testid, name string) []string {
	var out []string
	for _, n := range v.find(testid) {
		out = append(out, attr(n, name))
	}
	return out
}

func findAll(root *html.Node, testid string) []*html.Node {
	var out []*html.Node
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && attr(n, "data-testid") == testid {
			out = append(out, n)
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
