// Package toolbar is debugtoolbar's middleware: it decides who sees the
// toolbar, records each observed request (its SQL through sqltrace, its
// cache calls, its timing), injects the toolbar into HTML responses, keeps
// the history and serves it under its prefix.
//
//	tb, err := toolbar.New(toolbar.Config{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	r := chi.NewRouter()
//	r.Use(tb.Middleware)
//	db, err := sqltrace.Open("sqlite", "app.db")
//
// A request from an address that is not allowed goes straight to the app:
// the same response, byte for byte, and the toolbar's URLs fall through to
// the app as if the toolbar were not there.
//
// Never enable the toolbar in production.
//
// # Production builds
//
// Build release binaries with the nodebugtoolbar tag:
//
//	go build -tags nodebugtoolbar ./cmd/app
//
// The API is the same in both builds, so the app's code does not change.
// With the tag, New ignores its Config, logs nothing and returns a toolbar
// whose Middleware returns the handler it is given: nothing is served
// under the prefix and nothing is recorded; RecordCache, StartSpan and
// SetRoute do nothing, Observed reports false, and Transport returns the
// round tripper it is given. The compiler drops the rest, so the linker
// leaves the middleware, the response writer, the pages and the panels out
// of the binary; only the package initialisers of the packages Config and
// Store name (panels, templ, assets) stay.
//
// The toolbar is on unless the tag is given, so go run, go test and the
// examples need no flag. A binary built without it warns, through
// Config.Logger, when InternalIPs reach beyond loopback and private
// networks (at New) and when the server is reached on a public address (at
// the first request).
package toolbar

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// Toolbar is a configured debug toolbar. Create it with New; it is safe
// for concurrent use.
type Toolbar struct {
	cfg    Config
	allow  *allowlist
	store  Store
	redact *redactor
	routes http.Handler
	panels []panels.Panel
	log    *slog.Logger
	// outside holds the database work that ran while observed requests
	// did but belongs to none of them.
	outside *outside
	// redirects are the observed redirects waiting for the request that
	// follows them.
	redirects *redirects
	// listen warns once when the server is reached on a public address.
	listen listenCheck
}

// New validates cfg and returns a toolbar. An invalid address in
// InternalIPs or TrustedProxies, or an invalid Prefix, is an error naming
// the value. It logs a warning (to cfg.Logger) when InternalIPs reach
// beyond loopback and private networks, or TrustedProxies trust every
// peer.
//
// In a binary built with -tags nodebugtoolbar, New ignores cfg, logs
// nothing and returns a toolbar that does nothing (see "Production
// builds" in the package documentation).
func New(cfg Config) (*Toolbar, error) {
	if !enabled {
		return &Toolbar{store: newMemoryStore(0)}, nil
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if !strings.HasPrefix(cfg.Prefix, "/") || !strings.HasSuffix(cfg.Prefix, "/") || len(cfg.Prefix) < 3 ||
		strings.ContainsAny(cfg.Prefix, "{}*?#%\"'<> ") || !isASCII(cfg.Prefix) {
		return nil, fmt.Errorf("toolbar: Prefix %q must be an ASCII path that starts and ends with /, such as %q", cfg.Prefix, DefaultPrefix)
	}
	for _, v := range []struct {
		name string
		n    *int
		def  int
	}{
		{"HistorySize", &cfg.HistorySize, DefaultHistorySize},
		{"MaxQueries", &cfg.MaxQueries, DefaultMaxQueries},
		{"MaxCacheEvents", &cfg.MaxCacheEvents, DefaultMaxCacheEvents},
		{"MaxBodyBytes", &cfg.MaxBodyBytes, DefaultMaxBodyBytes},
		{"MaxRequestBodyBytes", &cfg.MaxRequestBodyBytes, DefaultMaxRequestBodyBytes},
		{"MaxRecordBytes", &cfg.MaxRecordBytes, DefaultMaxRecordBytes},
	} {
		if *v.n < 0 {
			return nil, fmt.Errorf("toolbar: %s %d is negative", v.name, *v.n)
		}
		if *v.n == 0 {
			*v.n = v.def
		}
	}
	allow, err := newAllowlist(cfg.InternalIPs, cfg.TrustedProxies, cfg.Logger)
	if err != nil {
		return nil, err
	}
	redact := newRedactor(cfg.RedactNames)
	tb := &Toolbar{
		cfg:     cfg,
		allow:   allow,
		store:   newMemoryStore(cfg.HistorySize),
		redact:  redact,
		panels:  panels.Default(),
		log:     cfg.Logger,
		outside: newOutside(cfg.MaxQueries, cfg.MaxRecordBytes, redact),
	}
	tb.routes = tb.router()
	tb.redirects = newRedirects(redirectMax, redirectTTL)
	tb.warnWide()
	return tb, nil
}

// isASCII reports whether s is printable ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return false
		}
	}
	return true
}

// Store returns the toolbar's history.
func (tb *Toolbar) Store() Store { return tb.store }

// observed reports whether r's client sees the toolbar.
func (tb *Toolbar) observed(r *http.Request) bool {
	if tb.cfg.ShowOverridesAllowlist && tb.cfg.Show != nil {
		return tb.cfg.Show(r)
	}
	if _, ok := tb.allow.allowed(r); !ok {
		return false
	}
	return tb.cfg.Show == nil || tb.cfg.Show(r)
}

// Middleware records the requests of allowed clients and injects the
// toolbar into their HTML pages; every other request goes to next
// untouched. Use it as chi's r.Use(tb.Middleware) or around a whole
// router, tb.Middleware(mux); the README has a recipe for each router.
// Routers other than chi and http.ServeMux report their matched pattern
// with SetRoute.
//
// Place it first, before any middleware that rewrites r.RemoteAddr from
// request headers (chi's RealIP): the toolbar decides who is observed
// from the connection's own address and Config.TrustedProxies.
// Compression may come on either side. A compressor inside the toolbar
// (chi's Compress after it) is offered only gzip on observed requests,
// as if the client accepted nothing else: the toolbar decodes the page,
// injects itself and encodes it again. A compressor outside compresses
// the page with the toolbar already in it. The app's panic recovery may
// come on either side too; inside the toolbar, the record shows the
// response it wrote rather than the panic.
//
// The first request it sees, observed or not, tells it where the server
// is reached: when that is a public address, it logs a warning once.
//
// In a binary built with -tags nodebugtoolbar, Middleware returns next
// itself.
func (tb *Toolbar) Middleware(next http.Handler) http.Handler {
	if !enabled {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tb.listen.done.Load() {
			tb.checkListener(r)
		}
		if !tb.observed(r) {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, tb.cfg.Prefix) {
			tb.routes.ServeHTTP(w, r)
			return
		}
		tb.serveObserved(w, r, next)
	})
}

func (tb *Toolbar) serveObserved(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := &panels.Record{ID: uuid.NewString(), Start: time.Now()}
	col := &collector{rec: rec, maxQ: tb.cfg.MaxQueries, maxCache: tb.cfg.MaxCacheEvents, maxBytes: tb.cfg.MaxRecordBytes, redact: tb.redact}
	ctx := context.WithValue(sqltrace.WithRecorder(r.Context(), col), collectorKey{}, col)
	// Queries run without the request's context on this goroutine, or on
	// one it starts, are recorded here too; others that run meanwhile go
	// to the outside entry and are noted on the record.
	tb.outside.begin(col)
	ctx, unfollow := sqltrace.Follow(ctx, rec.ID, col, sqltrace.LeftBehind(tb.outside, leftBehindFor))
	following := true
	stopFollowing := func() {
		if following {
			following = false
			unfollow()
			tb.outside.end(col)
		}
	}
	defer stopFollowing()
	ctx = withChiContext(ctx, next)
	r = r.WithContext(ctx)
	tb.safely("capturing the request", func() { rec.Request = tb.request(r) })
	tb.safely("following a redirect", func() { rec.RedirectedFrom = tb.redirectedFrom(r) })
	narrowAcceptEncoding(r) // after the record took the client's header
	col.body = captureBody(r, tb.cfg.MaxRequestBodyBytes)

	link := tb.cfg.Prefix + "requests/" + rec.ID
	h := w.Header()
	h.Set("X-Debug-Token", rec.ID)
	h.Set("X-Debug-Token-Link", link)
	rw := respwriter.New(w, r, respwriter.Options{
		MaxBody:  tb.cfg.MaxBodyBytes,
		OnHeader: func(h http.Header) { h.Add("Server-Timing", serverTiming(rec, col)) },
		Snippet: func(p respwriter.Page) (respwriter.Injection, error) {
			// The body is complete by now; the rest is known after Finish.
			rec.Response.Status, rec.Response.Size, rec.Response.ContentType = p.Status, p.Size, p.ContentType
			return tb.inject(rec, r, p)
		},
	})

	handlerReturned := false
	defer func() {
		if handlerReturned {
			return
		}
		// The handler panicked (or called runtime.Goexit): what it wrote
		// goes out untouched, the record says why, and the panic goes on
		// to the app's own recovery as without the toolbar.
		p := recover()
		stopFollowing()
		rw.Abort()
		tb.safely("recording a panic", func() {
			if p != nil {
				rec.Panic = tb.redact.message(fmt.Sprint(p))
			}
			tb.complete(r, rec, col)
			tb.keep(rec, rw.Result(), w.Header())
		})
		if p != nil {
			panic(p)
		}
	}()
	next.ServeHTTP(rw.ResponseWriter(), r) // with CloseNotify and Push where w has them
	handlerReturned = true
	stopFollowing()
	tb.safely("finishing the record", func() { tb.complete(r, rec, col) })
	res := rw.Finish() // contains its own panics, serving the page untouched
	tb.safely("keeping the record", func() { tb.keep(rec, res, w.Header()) })
	tb.safely("remembering a redirect", func() { tb.rememberRedirect(r, rec, w.Header()) })
}

// safely runs the toolbar's own work so that a bug in it never changes
// what the app returns: a panic is logged, not raised.
func (tb *Toolbar) safely(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			tb.log.Error("debugtoolbar: internal error; the app's response is not affected", "while", what, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	f()
}

// request captures what the record shows of r, with secrets hidden.
func (tb *Toolbar) request(r *http.Request) panels.Request {
	remote, _ := tb.allow.client(r)
	req := panels.Request{
		Method:     r.Method,
		URL:        tb.redact.requestURI(r.URL),
		Path:       r.URL.Path,
		RemoteAddr: remote.String(),
		Proto:      r.Proto,
		TLS:        r.TLS != nil,
		Host:       r.Host,
		Header:     tb.redact.header(r.Header),
		Query:      tb.redact.values(r.URL.Query()),
	}
	for _, c := range r.Cookies() {
		req.Cookies = append(req.Cookies, panels.Cookie{Name: c.Name, Value: Redacted})
	}
	return req
}

// complete finishes the record when the handler has returned: what only
// then is known of the request, the duration, and the analysis. It runs
// before the response is finished so the snippet can show the summary.
func (tb *Toolbar) complete(r *http.Request, rec *panels.Record, col *collector) {
	col.finish()
	rec.Duration = time.Since(rec.Start)
	rec.Request.Route = routePattern(r, col)
	var form url.Values
	rec.Request.Body, form = tb.requestBody(r.Header.Get("Content-Type"), col.body)
	switch {
	case form != nil:
		rec.Request.Form = form
	case r.PostForm != nil: // parsed before the toolbar saw the body
		rec.Request.Form = tb.redact.values(r.PostForm)
	}
	rec.Alerts = panels.Analyze(rec, tb.cfg.Thresholds)
}

// keep records how the response went and adds the record to the history.
func (tb *Toolbar) keep(rec *panels.Record, res respwriter.Result, h http.Header) {
	var changed []string // the CSP as served
	if res.Injected {
		changed = rec.Response.CSP
	}
	rec.Response = panels.Response{
		Status:      res.Status,
		Header:      tb.redact.header(h),
		Size:        res.Size,
		ContentType: res.ContentType,
		Injected:    res.Injected,
		NotInjected: res.NotInjected,
		CSP:         changed,
	}
	tb.store.Add(rec)
}

// serverTiming is the Server-Timing header value, so the browser's own
// developer tools show the request's time in SQL and in the cache.
func serverTiming(rec *panels.Record, col *collector) string {
	sqlTime, cacheTime := col.totals()
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) }
	// The record's id lets the toolbar's script find the page's later
	// requests in the browser's resource timings.
	return fmt.Sprintf(`total;dur=%s;desc="Total", sql;dur=%s;desc="SQL", cache;dur=%s;desc="Cache", debugtoolbar;desc="%s"`,
		ms(time.Since(rec.Start)), ms(sqlTime), ms(cacheTime), rec.ID)
}

// toolbarData is what the toolbar's script is given about a request: the
// summary it shows at once and the panels it can open.
type toolbarData struct {
	ID         string       `json:"id"`
	Method     string       `json:"method"`
	Path       string       `json:"path"`
	Status     int          `json:"status"`
	DurationMS float64      `json:"duration_ms"`
	Queries    int          `json:"query_count"`
	Alerts     int          `json:"alert_count"`
	Level      string       `json:"level"`
	Summary    string       `json:"summary"`
	Panels     []panelEntry `json:"panels"`
	// RedirectedFrom are the requests that redirected to this one, first
	// hop first, for the links in the toolbar's head.
	RedirectedFrom []apiRedirect `json:"redirected_from,omitempty"`
}

type panelEntry struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Level   string `json:"level"`
}

func (tb *Toolbar) toolbarData(rec *panels.Record) toolbarData {
	level := panels.Info
	for _, a := range rec.Alerts {
		level = max(level, a.Severity)
	}
	d := toolbarData{
		ID:         rec.ID,
		Method:     rec.Request.Method,
		Path:       rec.Request.Path,
		Status:     rec.Response.Status,
		DurationMS: ms(rec.Duration),
		Queries:    countQueries(rec),
		Alerts:     len(rec.Alerts),
		Level:      level.String(),
		Summary:    fmt.Sprintf("%s ms, %d queries", formatMS(rec.Duration), countQueries(rec)),
	}
	d.RedirectedFrom = redirectsOf(rec)
	for _, p := range tb.panels {
		d.Panels = append(d.Panels, panelEntry{ID: p.ID(), Title: p.Title(), Summary: p.Summary(rec), Level: p.Level(rec).String()})
	}
	return d
}

// formatMS shows a duration in milliseconds, with a decimal below 10 ms.
func formatMS(d time.Duration) string {
	if d < 10*time.Millisecond {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}

// snippet renders what is inserted into an HTML page, its script elements
// with scriptNonce and the stylesheets its script adds with styleNonce
// (either may be ""). The page may be in any charset, so the snippet is
// ASCII: the JSON escapes everything else.
func (tb *Toolbar) snippet(rec *panels.Record, scriptNonce, styleNonce string) ([]byte, error) {
	page := struct {
		Prefix     string      `json:"prefix"`
		Styles     []string    `json:"styles"`
		StyleNonce string      `json:"style_nonce,omitempty"`
		Record     toolbarData `json:"record"`
	}{tb.cfg.Prefix, tb.styles(), styleNonce, tb.toolbarData(rec)}
	var data any = page // encoded once, by templ
	if !page.Record.isASCII() {
		raw, err := asciiJSON(page)
		if err != nil {
			return nil, err
		}
		data = raw
	}
	var b bytes.Buffer
	if err := snippet(data, tb.assetURL("toolbar.js"), scriptNonce).Render(context.Background(), &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (tb *Toolbar) assetURL(name string) string { return tb.cfg.Prefix + "static/" + assets.Path(name) }

func (tb *Toolbar) styles() []string {
	return []string{tb.assetURL("toolbar.css"), tb.assetURL("panels.css")}
}

// isASCII reports whether every text of d is ASCII (the prefix and asset
// URLs are by construction), so that JSON encodes it as ASCII.
func (d *toolbarData) isASCII() bool {
	ok := isASCII(d.Method) && isASCII(d.Path) && isASCII(d.Summary)
	for _, p := range d.Panels {
		ok = ok && isASCII(p.ID) && isASCII(p.Title) && isASCII(p.Summary)
	}
	for _, f := range d.RedirectedFrom {
		ok = ok && isASCII(f.Method) && isASCII(f.URL)
	}
	return ok
}

// asciiJSON encodes v with every non-ASCII character escaped.
func asciiJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	ascii := true
	for _, c := range b {
		ascii = ascii && c < utf8.RuneSelf
	}
	if ascii {
		return b, nil
	}
	out := make([]byte, 0, len(b)+32)
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return out, nil
}

func countQueries(rec *panels.Record) int {
	n := 0
	for i := range rec.Queries {
		if k := rec.Queries[i].Kind; k == sqltrace.KindQuery || k == sqltrace.KindExec {
			n++
		}
	}
	return n + rec.QueriesDropped
}
