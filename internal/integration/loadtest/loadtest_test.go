package loadtest_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

var (
	load        = flag.Bool("load", false, "run the load and memory tests (a server on 127.0.0.1; about a minute)")
	loadN       = flag.Int("load.n", 100_000, "requests per mode")
	loadConns   = flag.Int("load.conns", 64, "concurrent keep-alive connections")
	loadTimeout = flag.Duration("load.timeout", 5*time.Minute, "longest one mode may run")
	// A minute more: 2,048 arguments per statement go through database/sql.
	loadAllShapes = flag.Bool("load.allshapes", false, "measure every shape of arguments at the default caps in TestMemoryPerRecord")
)

func needLoad(t *testing.T) {
	t.Helper()
	if !*load {
		t.Skip("a load test: run with -load")
	}
}

// The blog: posts with comments, on SQLite.
const (
	numPosts        = 20
	commentsPerPost = 3
)

type post struct {
	id          int
	title, body string
	comments    []string
}

func seedPost(id int) post {
	p := post{id: id, title: fmt.Sprintf("Post %d", id), body: strings.Repeat(fmt.Sprintf("Body of post %d & more. ", id), 8)}
	for c := 1; c <= commentsPerPost; c++ {
		p.comments = append(p.comments, fmt.Sprintf("Comment %d on <post %d>", c, id))
	}
	return p
}

// page is a post's HTML page, as the app writes it and the test expects it.
func page(p post) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html><head><meta charset=utf-8><title>%s</title></head>\n<body><article><h1>%s</h1><p>%s</p><ul>",
		html.EscapeString(p.title), html.EscapeString(p.title), html.EscapeString(p.body))
	for _, c := range p.comments {
		fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(c))
	}
	b.WriteString("</ul></article></body></html>\n")
	return b.String()
}

type apiPost struct {
	ID       int      `json:"id"`
	Title    string   `json:"title"`
	Comments []string `json:"comments"`
}

// apiBody is a post's JSON, as the app writes it and the test expects it.
func apiBody(p post) string {
	b, _ := json.Marshal(apiPost{p.id, p.title, p.comments})
	return string(b) + "\n"
}

func openBlog(t *testing.T) *sql.DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "blog.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"
	db, err := sqltrace.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if _, err := db.Exec(`CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);
		CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, body TEXT NOT NULL);
		CREATE INDEX comments_post ON comments (post_id)`); err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= numPosts; id++ {
		p := seedPost(id)
		if _, err := db.Exec("INSERT INTO posts (id, title, body) VALUES (?, ?, ?)", p.id, p.title, p.body); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.comments {
			if _, err := db.Exec("INSERT INTO comments (post_id, body) VALUES (?, ?)", p.id, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

// blogApp serves GET /posts/{id} (HTML) and GET /api/posts/{id} (JSON);
// each runs two queries with the request's context.
func blogApp(db *sql.DB) http.Handler {
	fetch := func(r *http.Request) (post, error) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			return post{}, err
		}
		p := post{id: id}
		ctx := r.Context()
		if err := db.QueryRowContext(ctx, "SELECT title, body FROM posts WHERE id = ?", id).Scan(&p.title, &p.body); err != nil {
			return post{}, err
		}
		rows, err := db.QueryContext(ctx, "SELECT body FROM comments WHERE post_id = ? ORDER BY id", id)
		if err != nil {
			return post{}, err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return post{}, err
			}
			p.comments = append(p.comments, c)
		}
		return p, rows.Err()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, err := fetch(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page(p))
	})
	mux.HandleFunc("GET /api/posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, err := fetch(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, apiBody(p))
	})
	return mux
}

// target is the i-th request of a run: every fourth one is JSON.
type target struct {
	path, want string
	html       bool
}

func targets() []target {
	var ts []target
	for i := range 4 * numPosts {
		p := seedPost(i%numPosts + 1)
		if i%4 == 3 {
			ts = append(ts, target{fmt.Sprintf("/api/posts/%d", p.id), apiBody(p), false})
		} else {
			ts = append(ts, target{fmt.Sprintf("/posts/%d", p.id), page(p), true})
		}
	}
	return ts
}

// check returns why a response is not the one expected, or "".
func check(tg target, observed bool, res *http.Response, body string) string {
	if res.StatusCode != http.StatusOK {
		return fmt.Sprintf("status %d: %.200s", res.StatusCode, body)
	}
	token := res.Header.Get("X-Debug-Token")
	if !observed {
		for _, h := range []string{"X-Debug-Token", "X-Debug-Token-Link", "Server-Timing"} {
			if v := res.Header.Get(h); v != "" {
				return fmt.Sprintf("a response not observed has %s: %s", h, v)
			}
		}
		if body != tg.want {
			return fmt.Sprintf("body %q, want %q", body, tg.want)
		}
		return ""
	}
	if token == "" || res.Header.Get("X-Debug-Token-Link") == "" {
		return "an observed response has no X-Debug-Token or X-Debug-Token-Link"
	}
	if !tg.html {
		if body != tg.want {
			return fmt.Sprintf("JSON body %q, want %q", body, tg.want)
		}
		return ""
	}
	// The page with the snippet inserted just before </head>.
	k := strings.Index(tg.want, "</head>")
	before, after := tg.want[:k], tg.want[k:]
	if !strings.HasPrefix(body, before) || !strings.HasSuffix(body, after) ||
		!strings.HasPrefix(body[len(before):], `<script id="debugtoolbar-data"`) || len(body) <= len(tg.want) {
		return fmt.Sprintf("observed page %q is not the page with the toolbar before </head>", body)
	}
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		return fmt.Sprintf("Content-Length %s for %d bytes", cl, len(body))
	}
	return ""
}

// counter counts log lines and slog records at Warn and above, keeping
// the first few.
type counter struct {
	mu    sync.Mutex
	n     int
	first []string
}

func (c *counter) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if len(c.first) < 5 {
		c.first = append(c.first, s)
	}
}

func (c *counter) Write(p []byte) (int, error) { c.add(string(p)); return len(p), nil }

func (c *counter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (c *counter) Handle(_ context.Context, r slog.Record) error {
	c.add(r.Message)
	return nil
}
func (c *counter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *counter) WithGroup(string) slog.Handler      { return c }

// result is what one mode measured.
type result struct {
	elapsed    time.Duration
	cpu        time.Duration // the process's, client and server
	latencies  []time.Duration
	heap       []uint64 // HeapAlloc after GC, after each tenth of the run
	goroutines struct{ before, during, after int }
}

// heapAlloc returns the live heap after a full collection; the second GC
// empties the sync.Pools' victim caches.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

const samples = 10

// drive serves h on 127.0.0.1 and sends n requests over conns keep-alive
// connections, in ten rounds; between rounds, with no request in flight,
// it samples the heap. Failures are reported on t.
func drive(t *testing.T, h http.Handler, observed bool, n, conns int) result {
	var res result
	res.latencies = make([]time.Duration, n)
	res.goroutines.before = runtime.NumGoroutine()

	var serverLog counter
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(&serverLog, "", 0)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	tr := &http.Transport{
		Proxy:               nil, // 127.0.0.1 only
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	ctx, cancel := context.WithTimeout(context.Background(), *loadTimeout)
	defer cancel()
	ts := targets()
	var failures counter
	var next atomic.Int64
	start, cpu := time.Now(), processCPU()
	for round := range samples {
		end := int64(n * (round + 1) / samples)
		var wg sync.WaitGroup
		for range conns {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= end || ctx.Err() != nil {
						return
					}
					tg := ts[i%int64(len(ts))]
					req, _ := http.NewRequestWithContext(ctx, "GET", base+tg.path, nil)
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						failures.add(err.Error())
						continue
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					res.latencies[i] = time.Since(t0)
					if err != nil {
						failures.add(err.Error())
						continue
					}
					if why := check(tg, observed, resp, string(b)); why != "" {
						failures.add(tg.path + ": " + why)
					}
				}
			})
		}
		wg.Wait()
		next.Store(end)
		if ctx.Err() != nil {
			t.Fatalf("the run did not finish within -load.timeout %v: %d of %d requests sent", *loadTimeout, end, n)
		}
		if round == 0 {
			res.goroutines.during = runtime.NumGoroutine()
		}
		// The samples take neither the server's time nor its CPU.
		paused, pausedCPU := time.Now(), processCPU()
		res.heap = append(res.heap, heapAlloc())
		start, cpu = start.Add(time.Since(paused)), cpu+processCPU()-pausedCPU
	}
	res.elapsed, res.cpu = time.Since(start), processCPU()-cpu

	tr.CloseIdleConnections()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Errorf("shutting the server down: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	// Connection goroutines end shortly after their connections close.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > res.goroutines.before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	res.goroutines.after = runtime.NumGoroutine()

	if failures.n > 0 {
		t.Errorf("%d of %d requests failed or were not as expected; the first: %q", failures.n, n, failures.first)
	}
	if serverLog.n > 0 {
		t.Errorf("the server logged %d errors; the first: %q", serverLog.n, serverLog.first)
	}
	if res.goroutines.after > res.goroutines.before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before the server started, %d five seconds after it closed:\n%s",
			res.goroutines.before, res.goroutines.after, buf[:runtime.Stack(buf, true)])
	}
	return res
}

// heapBound is how much the live heap may grow from the sample taken once
// the history is full (after the first tenth of the run, at least 500
// requests for a history of 100) to the last. The samples are taken with
// no request in flight, so between two of them only what differs between
// two full histories can change the live heap (a path one digit longer, a
// few KiB in all), while every cache (connections, statements, callers,
// fingerprints) was filled by the first round. 1 MiB is far above that
// noise and well below a leak: a record kept too many (tens of KiB) crosses
// it within a hundred requests, and 16 bytes kept per request cross it
// within the default run.
const heapBound = 1 << 20

func TestLoad(t *testing.T) {
	needLoad(t)
	n, conns := *loadN, *loadConns
	if n < samples*toolbar.DefaultHistorySize*2 {
		t.Fatalf("-load.n %d is too few: the history (%d) must be full after the first tenth", n, toolbar.DefaultHistorySize)
	}
	db := openBlog(t)
	app := blogApp(db)
	for _, m := range []struct {
		name     string
		cfg      *toolbar.Config // nil: no toolbar
		observed bool
	}{
		{"toolbar absent", nil, false},
		{"toolbar refusing: 127.0.0.1 is not in InternalIPs", &toolbar.Config{InternalIPs: []string{"10.0.0.0/8"}}, false},
		{"toolbar observing", &toolbar.Config{}, true},
	} {
		t.Run(m.name, func(t *testing.T) {
			h := app
			var tb *toolbar.Toolbar
			var toolbarLog counter
			if m.cfg != nil {
				cfg := *m.cfg
				cfg.Logger = slog.New(&toolbarLog)
				var err error
				if tb, err = toolbar.New(cfg); err != nil {
					t.Fatal(err)
				}
				h = tb.Middleware(app)
			}
			res := drive(t, h, m.observed, n, conns)
			if toolbarLog.n > 0 {
				t.Errorf("the toolbar logged %d warnings or errors; the first: %q", toolbarLog.n, toolbarLog.first)
			}
			if tb != nil {
				checkHistory(t, tb, m.observed)
			}
			report(t, m.name, n, conns, res)
			if first, last := res.heap[0], res.heap[len(res.heap)-1]; last > first+heapBound {
				t.Errorf("the live heap grew from %s to %s once the history was full, more than %s", mib(first), mib(last), mib(heapBound))
			}
		})
	}
}

// checkHistory checks what the toolbar kept: a full history of complete
// records when observing, nothing when refusing.
func checkHistory(t *testing.T, tb *toolbar.Toolbar, observed bool) {
	t.Helper()
	list, err := tb.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !observed {
		if len(list) > 0 {
			t.Errorf("a refusing toolbar kept %d records", len(list))
		}
		return
	}
	if len(list) != toolbar.DefaultHistorySize {
		t.Errorf("the history holds %d records, want %d", len(list), toolbar.DefaultHistorySize)
	}
	for _, s := range list {
		r, err := tb.Record(context.Background(), s.ID)
		if err != nil {
			t.Fatalf("the history lists %s: %v", s.ID, err)
		}
		queries := 0
		for _, e := range r.Queries {
			if e.Kind == sqltrace.KindQuery {
				queries++
			}
		}
		html := strings.HasPrefix(r.Request.Path, "/posts/")
		if queries != 2 || r.QueriesDropped != 0 || r.Late() != 0 || r.Response.Status != 200 || r.Response.Injected != html {
			t.Errorf("record of %s: %d queries (%d dropped, %d late), status %d, injected %v; want 2 queries, 200, injected %v",
				r.Request.Path, queries, r.QueriesDropped, r.Late(), r.Response.Status, r.Response.Injected, html)
			return
		}
	}
}

func mib(b uint64) string { return fmt.Sprintf("%.2f MiB", float64(b)/(1<<20)) }

func report(t *testing.T, name string, n, conns int, res result) {
	lat := slices.Clone(res.latencies)
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	heap := make([]string, len(res.heap))
	for i, h := range res.heap {
		heap[i] = fmt.Sprintf("%.2f", float64(h)/(1<<20))
	}
	t.Logf("%s: %d requests over %d connections in %v: %.0f req/s, p50 %v, p99 %v, max %v",
		name, n, conns, res.elapsed.Round(time.Millisecond), float64(n)/res.elapsed.Seconds(),
		q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	// On a shared machine the rates follow the other work; the CPU time
	// per request (client and server, in this one process) does not.
	if res.cpu > 0 {
		t.Logf("%s: %v of CPU per request (client and server), %.0f%% of one core on average",
			name, (res.cpu / time.Duration(n)).Round(time.Microsecond), 100*res.cpu.Seconds()/res.elapsed.Seconds())
	}
	t.Logf("%s: heap after each tenth (MiB): %s; last - first = %+.1f KiB", name, strings.Join(heap, " "),
		(float64(res.heap[len(res.heap)-1])-float64(res.heap[0]))/1024)
	t.Logf("%s: goroutines %d before, %d while serving, %d after the server closed",
		name, res.goroutines.before, res.goroutines.during, res.goroutines.after)
}
