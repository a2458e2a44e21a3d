package toolbartest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// explainDB is a database the EXPLAIN tests run on: SQLite always,
// PostgreSQL and MariaDB/MySQL when their DSN is set, as in CI.
type explainDB struct {
	name    string
	dialect string
	db      *sql.DB
	table   string // an unindexed table of 5000 pets, 50 owners
	audit   string // a table nothing but a write would change
}

// ph is the n-th placeholder (from 1) in the database's dialect.
func (d *explainDB) ph(n int) string {
	if d.dialect == "postgres" {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

func (d *explainDB) sql(s string) string {
	return strings.NewReplacer("{t}", d.table, "{audit}", d.audit).Replace(s)
}

func (d *explainDB) mustExec(t *testing.T, s string, args ...any) {
	t.Helper()
	if _, err := d.db.ExecContext(context.Background(), d.sql(s), args...); err != nil {
		t.Fatalf("%s: %v", d.sql(s), err)
	}
}

func (d *explainDB) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := d.db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func explainDBs(t *testing.T) []*explainDB {
	var out []*explainDB
	open := func(name, dialect, driver, dsn string) {
		db, err := sqltrace.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		suffix := fmt.Sprintf("%08x", rand.Uint32())
		d := &explainDB{name: name, dialect: dialect, db: db, table: "explain_pets_" + suffix, audit: "explain_audit_" + suffix}
		d.mustExec(t, "CREATE TABLE {t} (id INTEGER NOT NULL PRIMARY KEY, owner_id INTEGER NOT NULL, name VARCHAR(64) NOT NULL)")
		d.mustExec(t, "CREATE TABLE {audit} (id INTEGER NOT NULL)")
		t.Cleanup(func() {
			db.ExecContext(context.Background(), d.sql("DROP TABLE IF EXISTS {t}"))
			db.ExecContext(context.Background(), d.sql("DROP TABLE IF EXISTS {audit}"))
			db.ExecContext(context.Background(), d.sql("DROP TABLE IF EXISTS {audit}_copy"))
		})
		for start := 0; start < 5000; start += 500 {
			var b strings.Builder
			for i := start; i < start+500; i++ {
				if i > start {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "(%d, %d, 'pet %d')", i+1, i%50, i)
			}
			d.mustExec(t, "INSERT INTO {t} (id, owner_id, name) VALUES "+b.String())
		}
		d.analyze(t)
		out = append(out, d)
	}
	open("sqlite", "sqlite", "sqlite", "file:"+filepath.Join(t.TempDir(), "explain.db")+"?_pragma=busy_timeout(10000)")
	if dsn := os.Getenv("DEBUGTOOLBAR_POSTGRES_DSN"); dsn != "" {
		open("postgres", "postgres", "pgx", dsn)
	} else {
		t.Log("DEBUGTOOLBAR_POSTGRES_DSN is not set; the PostgreSQL cases are skipped")
	}
	if dsn := os.Getenv("DEBUGTOOLBAR_MYSQL_DSN"); dsn != "" {
		open("mysql", "mysql", "mysql", dsn)
	} else {
		t.Log("DEBUGTOOLBAR_MYSQL_DSN is not set; the MySQL/MariaDB cases are skipped")
	}
	return out
}

// analyze refreshes the planner's statistics, so its estimates are the
// table's.
func (d *explainDB) analyze(t *testing.T) {
	switch d.dialect {
	case "postgres":
		d.mustExec(t, "ANALYZE {t}")
	case "mysql":
		rows, err := d.db.QueryContext(context.Background(), d.sql("ANALYZE TABLE {t}"))
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	case "sqlite":
		d.mustExec(t, "ANALYZE")
	}
}

// explainApp is an app whose pages run the statements to explain, and
// the toolbar around it.
type explainApp struct {
	d     *explainDB
	tb    *toolbar.Toolbar
	app   http.Handler
	h     http.Handler
	token string
}

// The statements of GET /others, which EXPLAIN must refuse.
var refusedStatements = map[string]string{
	"a write":            "INSERT INTO {t} (id, owner_id, name) VALUES (900001, 1, 'written')",
	"a CTE with DML":     "WITH x AS (INSERT INTO {audit} (id) VALUES (1) RETURNING id) SELECT * FROM x",
	"SELECT FOR UPDATE":  "SELECT id FROM {t} WHERE id = 1 FOR UPDATE",
	"a multi-statement":  "SELECT 1; SELECT 2",
	"a delete in a CTE":  "WITH x AS (DELETE FROM {audit} RETURNING id) SELECT count(*) FROM x",
	"SELECT INTO a copy": "SELECT * INTO {audit}_copy FROM {t}",
}

func newExplainApp(t *testing.T, d *explainDB, cfg toolbar.Config) *explainApp {
	a := &explainApp{d: d}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		rows, err := d.db.QueryContext(r.Context(), d.sql("SELECT id, name FROM {t} WHERE owner_id = "+d.ph(1)), 7) // mark:pets
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		rows.Close()
	})
	mux.HandleFunc("GET /others", func(w http.ResponseWriter, r *http.Request) {
		for _, name := range slices.Sorted(maps.Keys(refusedStatements)) {
			// Recorded as queries whether the database takes them or not.
			if rows, err := d.db.QueryContext(r.Context(), d.sql(refusedStatements[name])); err == nil {
				rows.Close()
			}
		}
	})
	mux.HandleFunc("GET /function", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := d.db.QueryRowContext(r.Context(), d.sql("SELECT {audit}_f()")).Scan(&n); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	a.app = mux
	a.tb = newToolbar(t, cfg)
	a.h = a.tb.Middleware(mux)
	return a
}

var tokenAttr = regexp.MustCompile(`data-token="([0-9a-f]+)"`)

// record serves path and returns its record's id, learning the toolbar's
// token from the record's page on the way.
func (a *explainApp) record(t *testing.T, path string) (string, apiRecord) {
	t.Helper()
	rec := serveRecord(t, a.h, "GET", path)
	if a.token == "" {
		page := serveLocal(a.h, "/__debug__/requests/"+rec.ID)
		m := tokenAttr.FindStringSubmatch(page.Body.String())
		if m == nil {
			t.Fatalf("the request page carries no token: %s", page.Body)
		}
		a.token = m[1]
	}
	return rec.ID, rec
}

// post sends an EXPLAIN request as the toolbar's script does, with the
// given headers changed ("" removes one).
func (a *explainApp) post(id string, n int, analyze bool, header ...string) *httptest.ResponseRecorder {
	form := url.Values{}
	if analyze {
		form.Set("analyze", "1")
	}
	r := httptest.NewRequest("POST", fmt.Sprintf("/__debug__/requests/%s/queries/%d/explain", id, n), strings.NewReader(form.Encode()))
	r.RemoteAddr = "127.0.0.1:1"
	r.Host = "app.test"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Origin", "http://app.test")
	r.Header.Set("X-Debugtoolbar-Token", a.token)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	return w
}

// planRecord is what the JSON API says of the plans of a record.
type planRecord struct {
	Plans map[string]struct {
		Dialect string `json:"dialect"`
		Analyze bool   `json:"analyze"`
		Auto    bool   `json:"auto"`
		Nodes   []any  `json:"nodes"`
	} `json:"plans"`
	PlanAlerts []struct {
		Kind    string  `json:"kind"`
		Message string  `json:"message"`
		Fix     string  `json:"fix"`
		Queries []int32 `json:"queries"`
		Sites   []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"sites"`
	} `json:"plan_alerts"`
}

func (a *explainApp) plans(t *testing.T, id string) planRecord {
	t.Helper()
	w := serveLocal(a.h, "/__debug__/api/v1/requests/"+id)
	var p planRecord
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	return p
}

func queryIndex(t *testing.T, rec apiRecord, fragment string) int {
	t.Helper()
	for i, q := range rec.Queries {
		if strings.Contains(q.SQL, fragment) {
			return i
		}
	}
	t.Fatalf("no query with %q in %+v", fragment, rec.Queries)
	return -1
}

func TestExplainFindsTheMissingIndexAndNotOnceItExists(t *testing.T) {
	for _, d := range explainDBs(t) {
		t.Run(d.name, func(t *testing.T) {
			a := newExplainApp(t, d, toolbar.Config{})
			id, rec := a.record(t, "/pets")
			n := queryIndex(t, rec, "owner_id")
			panel := serveLocal(a.h, "/__debug__/requests/"+id+"/panels/sql").Body.String()
			if !strings.Contains(panel, `data-testid="explain-button"`) {
				t.Errorf("the SQL panel offers no Explain for the read: %s", panel)
			}
			if got := strings.Contains(panel, `data-testid="analyze-button"`); got != (d.dialect == "postgres") {
				t.Errorf("the SQL panel offers Analyze: %v, want it on PostgreSQL only", got)
			}

			w := a.post(id, n, false)
			if w.Code != http.StatusOK {
				t.Fatalf("explain: %d %s", w.Code, w.Body)
			}
			body := w.Body.String()
			for _, want := range []string{`data-testid="plan"`, `data-full-scan="true"`, d.table, "missing_index", "owner_id"} {
				if !strings.Contains(body, want) {
					t.Errorf("the plan fragment lacks %q: %s", want, body)
				}
			}
			p := a.plans(t, id)
			if len(p.Plans) != 1 || p.Plans[fmt.Sprint(n)].Dialect != d.dialect {
				t.Fatalf("the JSON API has plans %+v, want one %s plan for query %d", p.Plans, d.dialect, n)
			}
			if len(p.PlanAlerts) != 1 {
				t.Fatalf("plan alerts %+v, want one missing_index", p.PlanAlerts)
			}
			al := p.PlanAlerts[0]
			wantFix := "CREATE INDEX ON " + d.table + " (owner_id)"
			if d.dialect != "postgres" {
				wantFix = "CREATE INDEX " + d.table + "_owner_id ON " + d.table + " (owner_id)"
			}
			if al.Kind != "missing_index" || !strings.HasPrefix(al.Fix, wantFix) || !strings.Contains(al.Message, "owner_id") {
				t.Errorf("alert %+v, want missing_index on owner_id with the fix %q", al, wantFix)
			}
			if len(al.Sites) != 1 || filepath.Base(al.Sites[0].File) != "explain_test.go" || al.Sites[0].Line != markLineIn(t, "explain_test.go", "pets") {
				t.Errorf("sites %+v, want the query's line of explain_test.go", al.Sites)
			}
			// The page reloaded shows the plan kept.
			if panel := serveLocal(a.h, "/__debug__/requests/"+id+"/panels/sql").Body.String(); !strings.Contains(panel, `data-testid="plan"`) {
				t.Errorf("the SQL panel does not show the plan taken")
			}

			// The fix, applied: no more alert.
			d.mustExec(t, "CREATE INDEX "+d.table+"_owner_id ON {t} (owner_id)")
			d.analyze(t)
			id2, rec2 := a.record(t, "/pets")
			if w := a.post(id2, queryIndex(t, rec2, "owner_id"), false); w.Code != http.StatusOK {
				t.Fatalf("explain with the index: %d %s", w.Code, w.Body)
			} else if strings.Contains(w.Body.String(), `data-full-scan="true"`) {
				t.Errorf("the plan still scans the table: %s", w.Body)
			}
			if p := a.plans(t, id2); len(p.PlanAlerts) != 0 {
				t.Errorf("with the index, plan alerts %+v, want none", p.PlanAlerts)
			}
		})
	}
}

func TestASlowReadIsExplainedByItself(t *testing.T) {
	for _, d := range explainDBs(t) {
		t.Run(d.name, func(t *testing.T) {
			a := newExplainApp(t, d, toolbar.Config{Thresholds: panels.Thresholds{SlowQuery: time.Nanosecond}})
			id, _ := a.record(t, "/pets")
			deadline := time.Now().Add(10 * time.Second)
			for {
				p := a.plans(t, id)
				if len(p.PlanAlerts) > 0 {
					for _, pl := range p.Plans {
						if !pl.Auto {
							t.Errorf("a plan taken without a click is not marked auto: %+v", pl)
						}
					}
					if p.PlanAlerts[0].Kind != "missing_index" {
						t.Errorf("alert %+v, want missing_index", p.PlanAlerts[0])
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("no plan was taken of the slow query: %+v", p)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func TestExplainRefuses(t *testing.T) {
	for _, d := range explainDBs(t) {
		t.Run(d.name, func(t *testing.T) {
			a := newExplainApp(t, d, toolbar.Config{})
			id, rec := a.record(t, "/pets")
			n := queryIndex(t, rec, "owner_id")
			t.Run("a GET", func(t *testing.T) {
				r := httptest.NewRequest("GET", fmt.Sprintf("/__debug__/requests/%s/queries/%d/explain", id, n), nil)
				r.RemoteAddr = "127.0.0.1:1"
				w := httptest.NewRecorder()
				a.h.ServeHTTP(w, r)
				if w.Code != http.StatusMethodNotAllowed {
					t.Errorf("GET: %d %s, want 405", w.Code, w.Body)
				}
			})
			for _, c := range []struct {
				name   string
				header []string
			}{
				{"a cross-site POST", []string{"Sec-Fetch-Site", "cross-site"}},
				{"a POST from another origin", []string{"Sec-Fetch-Site", "", "Origin", "http://evil.test"}},
				{"a missing token", []string{"X-Debugtoolbar-Token", ""}},
				{"a wrong token", []string{"X-Debugtoolbar-Token", strings.Repeat("0", 64)}},
			} {
				t.Run(c.name, func(t *testing.T) {
					if w := a.post(id, n, false, c.header...); w.Code != http.StatusForbidden {
						t.Errorf("%d %s, want 403", w.Code, w.Body)
					}
				})
			}
			t.Run("a query index that does not exist", func(t *testing.T) {
				for _, bad := range []int{len(rec.Queries), 999, -1} {
					if w := a.post(id, bad, false); w.Code != http.StatusNotFound {
						t.Errorf("query %d: %d %s, want 404", bad, w.Code, w.Body)
					}
				}
			})
			t.Run("a client that is not allowed falls through to the app", func(t *testing.T) {
				serve := func(h http.Handler) *httptest.ResponseRecorder {
					r := httptest.NewRequest("POST", fmt.Sprintf("/__debug__/requests/%s/queries/%d/explain", id, n), strings.NewReader(""))
					r.RemoteAddr = "203.0.113.9:1234"
					r.Header.Set("X-Debugtoolbar-Token", a.token)
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					return w
				}
				got, want := serve(a.h), serve(a.app)
				if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) || fmt.Sprint(got.Header()) != fmt.Sprint(want.Header()) {
					t.Errorf("got %d %v %q, want the app's own %d %v %q", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
				}
			})

			others, orec := a.record(t, "/others")
			before := d.count(t, d.table)
			audit := d.count(t, d.audit)
			for name, stmt := range refusedStatements {
				t.Run(name, func(t *testing.T) {
					i := queryIndex(t, orec, d.sql(stmt))
					for _, analyze := range []bool{false, true} {
						w := a.post(others, i, analyze)
						if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `data-testid="plan-error"`) {
							t.Errorf("analyze=%v: %d %s, want 422 and the refusal", analyze, w.Code, w.Body)
						}
					}
					if strings.Contains(serveLocal(a.h, "/__debug__/requests/"+others+"/panels/sql").Body.String(), fmt.Sprintf(`data-explain="%d"`, i)) {
						t.Errorf("the SQL panel offers Explain for %q", stmt)
					}
				})
			}
			if got := d.count(t, d.table); got != before {
				t.Errorf("the table has %d rows after the refusals, %d before", got, before)
			}
			if got := d.count(t, d.audit); got != audit {
				t.Errorf("the audit table has %d rows after the refusals, %d before", got, audit)
			}
		})
	}
}

// TestExplainNeverWrites proves on PostgreSQL that a read which calls a
// function that writes is explained without running it, and that ANALYZE,
// which runs it, writes nothing: the read-only transaction refuses the
// write, and it is rolled back.
func TestExplainNeverWrites(t *testing.T) {
	for _, d := range explainDBs(t) {
		if d.dialect != "postgres" {
			continue // only PostgreSQL offers ANALYZE; the refusals are TestExplainRefuses's
		}
		t.Run(d.name, func(t *testing.T) {
			d.mustExec(t, "CREATE FUNCTION {audit}_f() RETURNS integer VOLATILE LANGUAGE sql AS 'INSERT INTO {audit} (id) VALUES (1) RETURNING id'")
			t.Cleanup(func() { d.db.ExecContext(context.Background(), d.sql("DROP FUNCTION IF EXISTS {audit}_f()")) })
			a := newExplainApp(t, d, toolbar.Config{})
			id, rec := a.record(t, "/function") // the app's own call writes one row
			n := queryIndex(t, rec, "_f()")
			before := d.count(t, d.audit)
			if before != 1 {
				t.Fatalf("the audit table has %d rows after the app's call, want 1", before)
			}
			if w := a.post(id, n, false); w.Code != http.StatusOK {
				t.Errorf("EXPLAIN: %d %s, want the plan", w.Code, w.Body)
			}
			w := a.post(id, n, true)
			if w.Code == http.StatusOK && !strings.Contains(w.Body.String(), "ANALYZE") {
				t.Errorf("ANALYZE answered a plan that is not marked ANALYZE: %s", w.Body)
			}
			if w.Code != http.StatusOK && !strings.Contains(w.Body.String(), "read-only") {
				t.Errorf("ANALYZE: %d %s, want the plan or the read-only transaction's refusal", w.Code, w.Body)
			}
			if got := d.count(t, d.audit); got != before {
				t.Errorf("the audit table has %d rows after EXPLAIN and ANALYZE, want %d", got, before)
			}
			// A read that writes nothing is analysed, rolled back.
			pid, prec := a.record(t, "/pets")
			if w := a.post(pid, queryIndex(t, prec, "owner_id"), true); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "actual") {
				t.Errorf("ANALYZE of a read: %d %s, want a plan with actual rows", w.Code, w.Body)
			}
		})
	}
}

// TestExplainAQueryPgxRan explains a query run through pgx's own
// interface (pgxpool with pgxtrace): the tracer registers the database
// its connections reach.
func TestExplainAQueryPgxRan(t *testing.T) {
	dsn := os.Getenv("DEBUGTOOLBAR_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DEBUGTOOLBAR_POSTGRES_DSN is not set; set it to a PostgreSQL DSN to run this test")
	}
	var d *explainDB
	for _, x := range explainDBs(t) {
		if x.dialect == "postgres" {
			d = x
		}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = pgxtrace.New()
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		rows, err := pool.Query(r.Context(), d.sql("SELECT id, name FROM {t} WHERE owner_id = $1"), 7)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		rows.Close()
	})
	a := &explainApp{d: d, app: mux, h: newToolbar(t, toolbar.Config{}).Middleware(mux)}
	id, rec := a.record(t, "/pets")
	w := a.post(id, queryIndex(t, rec, "owner_id"), true)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `data-full-scan="true"`) || !strings.Contains(w.Body.String(), "actual") {
		t.Fatalf("explain: %d %s, want an analysed plan with the full scan", w.Code, w.Body)
	}
	if p := a.plans(t, id); len(p.PlanAlerts) != 1 || p.PlanAlerts[0].Kind != "missing_index" {
		t.Errorf("plan alerts %+v, want one missing_index", p.PlanAlerts)
	}
}

// TestAPlanIsKeptInTheHistoryStore: a plan taken after the record was
// stored is written to the store too, so a toolbar reading the same
// directory later shows it.
func TestAPlanIsKeptInTheHistoryStore(t *testing.T) {
	d := explainDBs(t)[0] // SQLite
	dir := t.TempDir()
	a := newExplainApp(t, d, toolbar.Config{HistoryDir: dir})
	id, rec := a.record(t, "/pets")
	if w := a.post(id, queryIndex(t, rec, "owner_id"), false); w.Code != http.StatusOK {
		t.Fatalf("explain: %d %s", w.Code, w.Body)
	}
	// The toolbar writes to its store in the background; Close waits.
	if err := a.tb.Close(); err != nil {
		t.Fatal(err)
	}
	later := newToolbar(t, toolbar.Config{HistoryDir: dir})
	got, err := later.Record(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Plan(int32(queryIndex(t, rec, "owner_id"))); p == nil || len(got.PlanAlerts()) != 1 {
		t.Errorf("the stored record has plan %+v and plan alerts %+v, want the plan and its missing_index", p, got.PlanAlerts())
	}
}
