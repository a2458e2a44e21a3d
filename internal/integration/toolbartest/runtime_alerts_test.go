package toolbartest_test

import (
	"context"
	"database/sql"
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

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/debugtoolbar/debugtoolbar/sqltrace/pgxtrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// The runtime detectors (pool_wait, open_transaction,
// transaction_across_http, serial_http_calls), each driven through a real
// handler behind the toolbar's middleware, on SQLite: the bad pattern
// raises its alert, with the line of this file where the fix belongs, and
// the fixed pattern raises none.

// serviceDelay is how long the service the handlers call takes to answer.
const serviceDelay = 15 * time.Millisecond

// runtimeApp is an app whose database allows one connection and whose
// handlers call another service through toolbar.Transport.
type runtimeApp struct {
	db     *sql.DB
	svc    *httptest.Server
	client *http.Client

	mu   sync.Mutex
	left []func() // what the bad handlers leave open, closed at the test's end
	// together holds the service's answers to calls marked X-Together
	// until all of them arrived, so that calls made together overlap
	// however the goroutines are scheduled.
	together sync.WaitGroup
}

func newRuntimeApp(t *testing.T) *runtimeApp {
	t.Helper()
	a := &runtimeApp{db: openDB(t), client: &http.Client{Transport: toolbar.Transport(nil)}}
	a.db.SetMaxOpenConns(1)
	a.svc = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Together") != "" {
			a.together.Done()
			a.together.Wait()
		}
		time.Sleep(serviceDelay)
		io.WriteString(w, r.URL.Path)
	}))
	t.Cleanup(func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, f := range a.left {
			f()
		}
		a.svc.Close()
	})
	return a
}

// newRuntimeHandler is a runtimeApp of its own behind a toolbar of its
// own: what one subtest leaves open holds the only connection until the
// subtest ends.
func newRuntimeHandler(t *testing.T) (*runtimeApp, http.Handler) {
	t.Helper()
	a := newRuntimeApp(t)
	return a, newToolbar(t, toolbar.Config{}).Middleware(a.routes())
}

// leave keeps something the handler did not close, for the test's end.
func (a *runtimeApp) leave(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.left = append(a.left, f)
}

// req is a GET of the service's path with the request's context.
func (a *runtimeApp) req(r *http.Request, path string) *http.Request {
	req, err := http.NewRequestWithContext(r.Context(), "GET", a.svc.URL+path, nil)
	if err != nil {
		panic(err)
	}
	return req
}

// drain reads and closes a response.
func drain(res *http.Response, err error) {
	if err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

// waitForWaiter returns once a goroutine waits for one of db's
// connections (the pool's wait count passed before).
func waitForWaiter(db *sql.DB, before int64) {
	for deadline := time.Now().Add(5 * time.Second); db.Stats().WaitCount == before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

func (a *runtimeApp) routes() *http.ServeMux {
	mux := http.NewServeMux()
	count := func(ctx context.Context) {
		var n int
		a.db.QueryRowContext(ctx, "SELECT count(*) FROM posts").Scan(&n)
	}

	// pool_wait: a transaction holds the one connection while another
	// query of the request waits for it.
	mux.HandleFunc("GET /pool/tx-held", func(w http.ResponseWriter, r *http.Request) {
		before := a.db.Stats().WaitCount
		tx, err := a.db.BeginTx(r.Context(), nil) // mark:pooltx
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		var wg sync.WaitGroup
		wg.Go(func() { count(r.Context()) })
		waitForWaiter(a.db, before)
		time.Sleep(5 * time.Millisecond)
		tx.Commit()
		wg.Wait()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /pool/tx-first", func(w http.ResponseWriter, r *http.Request) {
		tx, err := a.db.BeginTx(r.Context(), nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer tx.Rollback()
		tx.ExecContext(r.Context(), "UPDATE posts SET title = title WHERE id = 1")
		tx.Commit()
		count(r.Context()) // after the commit: the connection is free
		w.WriteHeader(http.StatusNoContent)
	})
	// pool_wait: rows never closed hold the connection; the next query
	// gives up waiting when its timeout ends.
	mux.HandleFunc("GET /pool/rows-held", func(w http.ResponseWriter, r *http.Request) {
		rows, err := a.db.QueryContext(r.Context(), "SELECT id FROM posts") // mark:poolrows
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		a.leave(func() { rows.Close() })
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Millisecond)
		defer cancel()
		count(ctx)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /pool/rows-closed", func(w http.ResponseWriter, r *http.Request) {
		rows, err := a.db.QueryContext(r.Context(), "SELECT id FROM posts")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		for rows.Next() {
		}
		rows.Close()
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Millisecond)
		defer cancel()
		count(ctx)
		w.WriteHeader(http.StatusNoContent)
	})

	// open_transaction: begun, never committed nor rolled back.
	mux.HandleFunc("GET /tx/open", func(w http.ResponseWriter, r *http.Request) {
		tx, err := a.db.BeginTx(context.Background(), nil) // mark:opentx
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		a.leave(func() { tx.Rollback() })
		tx.ExecContext(r.Context(), "UPDATE posts SET title = title WHERE id = 2")
		w.WriteHeader(http.StatusNoContent) // forgot tx.Commit()
	})
	mux.HandleFunc("GET /tx/ended", func(w http.ResponseWriter, r *http.Request) {
		tx, err := a.db.BeginTx(r.Context(), nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer tx.Rollback()
		tx.ExecContext(r.Context(), "UPDATE posts SET title = title WHERE id = 2")
		if err := tx.Commit(); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})

	// transaction_across_http: the call is made inside the transaction.
	mux.HandleFunc("GET /tx/across-http", func(w http.ResponseWriter, r *http.Request) {
		tx, err := a.db.BeginTx(r.Context(), nil) // mark:acrossbegin
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer tx.Rollback()
		tx.ExecContext(r.Context(), "UPDATE posts SET title = title WHERE id = 3")
		drain(a.client.Do(a.req(r, "/rates"))) // mark:acrosscall
		tx.Commit()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /tx/call-after", func(w http.ResponseWriter, r *http.Request) {
		tx, err := a.db.BeginTx(r.Context(), nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer tx.Rollback()
		tx.ExecContext(r.Context(), "UPDATE posts SET title = title WHERE id = 3")
		tx.Commit()
		drain(a.client.Do(a.req(r, "/rates")))
		w.WriteHeader(http.StatusNoContent)
	})

	// serial_http_calls: three calls that do not need each other, one
	// after another; then the same three together.
	mux.HandleFunc("GET /calls/serial", func(w http.ResponseWriter, r *http.Request) {
		drain(a.client.Do(a.req(r, "/user")))                         // mark:serial1
		drain(a.client.Do(a.req(r, "/orders?api_key=s3cret&page=2"))) // mark:serial2
		drain(a.client.Do(a.req(r, "/recommendations")))              // mark:serial3
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /calls/concurrent", func(w http.ResponseWriter, r *http.Request) {
		together := func(path string) *http.Request {
			req := a.req(r, path)
			req.Header.Set("X-Together", "1")
			return req
		}
		a.together.Add(3)
		var wg sync.WaitGroup
		wg.Go(func() { drain(a.client.Do(together("/user"))) })
		wg.Go(func() { drain(a.client.Do(together("/orders?api_key=s3cret&page=2"))) })
		wg.Go(func() { drain(a.client.Do(together("/recommendations"))) })
		wg.Wait()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// alertsOf are the record's alerts of one kind.
func alertsOf(rec apiRecord, kind string) []int {
	var out []int
	for i, a := range rec.Alerts {
		if a.Kind == kind {
			out = append(out, i)
		}
	}
	return out
}

// checkSites fails the test unless the alert's sites are the marked lines
// of this file, in order.
func checkSites(t *testing.T, rec apiRecord, alert int, marks ...string) {
	t.Helper()
	a := rec.Alerts[alert]
	t.Logf("%s: %s", a.Kind, a.Message)
	var got, want []string
	for _, s := range a.Sites {
		got = append(got, filepath.Base(s.File)+":"+strconv.Itoa(s.Line))
		if s.Function == "" {
			t.Errorf("site %s:%d has no function", s.File, s.Line)
		}
	}
	for _, m := range marks {
		want = append(want, "runtime_alerts_test.go:"+strconv.Itoa(markLineIn(t, "runtime_alerts_test.go", m)))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s sites %v, want %v (%s)", a.Kind, got, want, a.Message)
	}
	if a.Fix == "" || strings.Contains(a.Message, "\n") {
		t.Errorf("%s: message %q, fix %q: want one line and a fix", a.Kind, a.Message, a.Fix)
	}
}

func TestPoolWaitIsReportedWhereTheConnectionWasHeld(t *testing.T) {
	for _, c := range []struct {
		name, path, mark string
	}{
		{"a transaction holds the only connection while another query waits", "/pool/tx-held", "pooltx"},
		{"rows never closed hold it until the next query times out", "/pool/rows-held", "poolrows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, h := newRuntimeHandler(t)
			rec := serveRecord(t, h, "GET", c.path)
			waits := alertsOf(rec, "pool_wait")
			if len(waits) != 1 {
				t.Fatalf("%d pool_wait alerts, want 1: %+v", len(waits), rec.Alerts)
			}
			checkSites(t, rec, waits[0], c.mark)
			if fix := rec.Alerts[waits[0]].Fix; !strings.Contains(fix, "SetMaxOpenConns") || !strings.Contains(fix, "PgBouncer") {
				t.Errorf("fix %q: want SetMaxOpenConns and PgBouncer", fix)
			}
			pool := onePool(t, rec)
			if pool.WaitCount != 1 || pool.WaitNS <= 0 || pool.Overlapped {
				t.Errorf("pool %+v: want one wait, its time, no other request", pool)
			}
		})
	}
	for _, c := range []struct{ name, path string }{
		{"the query runs after the commit", "/pool/tx-first"},
		{"the rows are closed before the next query", "/pool/rows-closed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, h := newRuntimeHandler(t)
			rec := serveRecord(t, h, "GET", c.path)
			if n := len(alertsOf(rec, "pool_wait")); n != 0 {
				t.Errorf("%d pool_wait alerts, want none: %+v", n, rec.Alerts)
			}
			pool := onePool(t, rec)
			if pool.WaitCount != 0 || pool.Open != 1 || pool.Idle != 1 || pool.InUse != 0 {
				t.Errorf("pool %+v: want no wait, one connection open and idle", pool)
			}
		})
	}
}

// onePool is the record's pool of the test's database, the one limited to
// one connection.
func onePool(t *testing.T, rec apiRecord) (p apiPool) {
	t.Helper()
	n := 0
	for _, q := range rec.Pools {
		if q.MaxOpen == 1 && q.Name == "sqlite" {
			p = q
			n++
		}
	}
	if n != 1 {
		t.Fatalf("pools %+v: want one sqlite pool of at most one connection", rec.Pools)
	}
	return p
}

func TestATransactionLeftOpenIsReportedWhereItBegan(t *testing.T) {
	t.Run("begun and never ended", func(t *testing.T) {
		_, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/tx/open")
		open := alertsOf(rec, "open_transaction")
		if len(open) != 1 {
			t.Fatalf("%d open_transaction alerts, want 1: %+v", len(open), rec.Alerts)
		}
		checkSites(t, rec, open[0], "opentx")
		if qs := rec.Alerts[open[0]].Queries; len(qs) != 2 || rec.Queries[qs[0]].Kind != "begin" || !rec.Queries[qs[0]].TxOpen {
			t.Errorf("the alert's queries %v of %+v: want the begin, marked tx_open, and the update", qs, rec.Queries)
		}
	})
	t.Run("committed, with a deferred rollback", func(t *testing.T) {
		_, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/tx/ended")
		if n := len(alertsOf(rec, "open_transaction")); n != 0 {
			t.Errorf("%d open_transaction alerts, want none: %+v", n, rec.Alerts)
		}
	})
	t.Run("an outgoing call inside the transaction", func(t *testing.T) {
		_, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/tx/across-http")
		across := alertsOf(rec, "transaction_across_http")
		if len(across) != 1 || len(alertsOf(rec, "open_transaction")) != 0 {
			t.Fatalf("alerts %+v: want one transaction_across_http and no open_transaction", rec.Alerts)
		}
		checkSites(t, rec, across[0], "acrosscall", "acrossbegin")
		if s := rec.Alerts[across[0]].Spans; len(s) != 1 || rec.Spans[s[0]].HTTP == nil || rec.Spans[s[0]].HTTP.Path != "/rates" {
			t.Errorf("the alert's spans %v of %+v: want the call to /rates", s, rec.Spans)
		}
	})
	t.Run("the call made after the commit", func(t *testing.T) {
		_, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/tx/call-after")
		if n := len(alertsOf(rec, "transaction_across_http")); n != 0 || len(rec.Spans) != 1 {
			t.Errorf("%d transaction_across_http alerts and spans %+v, want none and the call", n, rec.Spans)
		}
	})
}

func TestOutgoingCallsMadeOneAfterAnotherAreReported(t *testing.T) {
	t.Run("three calls in a row", func(t *testing.T) {
		a, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/calls/serial")
		serial := alertsOf(rec, "serial_http_calls")
		if len(serial) != 1 {
			t.Fatalf("%d serial_http_calls alerts, want 1: %+v", len(serial), rec.Alerts)
		}
		checkSites(t, rec, serial[0], "serial1", "serial2", "serial3")
		if al := rec.Alerts[serial[0]]; len(al.Spans) != 3 || !strings.HasPrefix(al.Message, "3 outgoing HTTP calls") || !strings.Contains(al.Fix, "errgroup") {
			t.Errorf("alert %+v: want the 3 calls and errgroup in the fix", al)
		}
		if len(rec.Spans) != 3 {
			t.Fatalf("spans %+v, want the 3 calls", rec.Spans)
		}
		host := strings.TrimPrefix(a.svc.URL, "http://")
		for i, path := range []string{"/user", "/orders", "/recommendations"} {
			c := rec.Spans[i].HTTP
			if c == nil || c.Method != "GET" || c.Host != host || c.Path != path || c.Status != 200 || !strings.HasPrefix(c.URL, a.svc.URL+path) {
				t.Errorf("span %d %+v: want GET %s%s 200", i, c, host, path)
			}
		}
		if u := rec.Spans[1].HTTP.URL; !strings.Contains(u, "api_key="+toolbar.Redacted) || strings.Contains(u, "s3cret") || !strings.Contains(u, "page=2") {
			t.Errorf("the second call's URL %q: want its api_key hidden and its page kept", u)
		}
	})
	t.Run("the same three calls with a WaitGroup", func(t *testing.T) {
		_, h := newRuntimeHandler(t)
		rec := serveRecord(t, h, "GET", "/calls/concurrent")
		if n := len(alertsOf(rec, "serial_http_calls")); n != 0 || len(rec.Spans) != 3 {
			t.Errorf("%d serial_http_calls alerts, %d spans: want none, and 3", n, len(rec.Spans))
		}
	})
}

func TestPgxpoolWaitIsReportedAtTheQueryThatWaited(t *testing.T) {
	dsn := os.Getenv("DEBUGTOOLBAR_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DEBUGTOOLBAR_POSTGRES_DSN is not set; set it to a PostgreSQL DSN to run the pgxpool wait")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = pgxtrace.New()
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pool.Ping(context.Background()); err != nil { // dialled before the requests
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	one := func(ctx context.Context) {
		var n int
		pool.QueryRow(ctx, "SELECT 1").Scan(&n) // mark:pgxwait
	}
	mux.HandleFunc("GET /held", func(w http.ResponseWriter, r *http.Request) {
		tx, err := pool.Begin(r.Context())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		var wg sync.WaitGroup
		wg.Go(func() { one(r.Context()) })
		time.Sleep(50 * time.Millisecond) // the query waits for the transaction's connection
		tx.Commit(r.Context())
		wg.Wait()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /after", func(w http.ResponseWriter, r *http.Request) {
		tx, err := pool.Begin(r.Context())
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		tx.Commit(r.Context())
		one(r.Context())
		w.WriteHeader(http.StatusNoContent)
	})
	h := newToolbar(t, toolbar.Config{}).Middleware(mux)

	rec := serveRecord(t, h, "GET", "/held")
	waits := alertsOf(rec, "pool_wait")
	if len(waits) != 1 {
		t.Fatalf("%d pool_wait alerts, want 1: %+v", len(waits), rec.Alerts)
	}
	checkSites(t, rec, waits[0], "pgxwait")
	if qs := rec.Alerts[waits[0]].Queries; len(qs) != 1 || rec.Queries[qs[0]].Kind != "acquire" {
		t.Errorf("the alert's queries %v: want the acquire", qs)
	}
	if rec := serveRecord(t, h, "GET", "/after"); len(alertsOf(rec, "pool_wait")) != 0 {
		t.Errorf("the query after the commit: alerts %+v, want no pool_wait", rec.Alerts)
	}
}

func TestPoolStatsSayWhenAnotherRequestRanMeanwhile(t *testing.T) {
	db := openDB(t)
	started, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	count := func(r *http.Request) {
		var n int
		db.QueryRowContext(r.Context(), "SELECT count(*) FROM posts").Scan(&n)
	}
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		close(started)
		<-release
	})
	mux.HandleFunc("GET /quick", func(w http.ResponseWriter, r *http.Request) { count(r) })
	h := newToolbar(t, toolbar.Config{}).Middleware(mux)

	slow := make(chan string)
	go func() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/slow", nil)
		r.RemoteAddr = "127.0.0.1:1"
		h.ServeHTTP(w, r)
		slow <- w.Header().Get("X-Debug-Token")
	}()
	<-started
	quick := serveRecord(t, h, "GET", "/quick")
	close(release)
	slowID := <-slow // ended before the next one begins
	alone := serveRecord(t, h, "GET", "/quick")
	for _, c := range []struct {
		name string
		rec  apiRecord
		want bool
	}{
		{"the request that ran while another did", quick, true},
		{"the request the other one ran during", apiRecordOf(t, h, slowID), true},
		{"a request that ran alone", alone, false},
	} {
		n := 0
		for _, p := range c.rec.Pools {
			if p.Name == "sqlite" && p.Open > 0 {
				n++
				if p.Overlapped != c.want {
					t.Errorf("%s: pool %+v, want overlapped %v", c.name, p, c.want)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no sqlite pool in %+v", c.name, c.rec.Pools)
		}
	}
}
