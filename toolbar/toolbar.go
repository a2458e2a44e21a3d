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
package toolbar

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
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
	log    *slog.Logger
}

// New validates cfg and returns a toolbar. An invalid address in
// InternalIPs or TrustedProxies, or an invalid Prefix, is an error naming
// the value.
func New(cfg Config) (*Toolbar, error) {
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
	tb := &Toolbar{
		cfg:    cfg,
		allow:  allow,
		store:  newMemoryStore(cfg.HistorySize),
		redact: newRedactor(cfg.RedactNames),
		log:    cfg.Logger,
	}
	tb.routes = tb.router()
	return tb, nil
}

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
// untouched. Use it as chi's r.Use(tb.Middleware) or around any handler.
// Place it outside (before) compression middleware, so it sees the page
// before it is compressed, and inside the app's panic recovery.
func (tb *Toolbar) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	col := &collector{rec: rec, maxQ: tb.cfg.MaxQueries, maxCache: tb.cfg.MaxCacheEvents, redact: tb.redact}
	ctx := context.WithValue(sqltrace.WithRecorder(r.Context(), col), collectorKey{}, col)
	r = r.WithContext(ctx)
	rec.Request = tb.request(r)

	link := tb.cfg.Prefix + "requests/" + rec.ID
	h := w.Header()
	h.Set("X-Debug-Token", rec.ID)
	h.Set("X-Debug-Token-Link", link)
	rw := respwriter.New(w, r, respwriter.Options{
		MaxBody:  tb.cfg.MaxBodyBytes,
		OnHeader: func(h http.Header) { h.Add("Server-Timing", serverTiming(rec, col)) },
		Snippet:  func(h http.Header) []byte { return tb.snippet(rec, link, h) },
	})

	defer func() {
		if p := recover(); p != nil {
			rec.Panic = fmt.Sprint(p)
			tb.complete(r, rec, col)
			rw.Abort()
			tb.keep(rec, rw.Result(), w.Header())
			panic(p) // the app's own recovery runs as without the toolbar
		}
	}()
	next.ServeHTTP(rw, r)
	tb.complete(r, rec, col)
	res := rw.Finish()
	tb.keep(rec, res, w.Header())
}

// request captures what the record shows of r, with secrets hidden.
func (tb *Toolbar) request(r *http.Request) panels.Request {
	remote, _ := tb.allow.client(r)
	req := panels.Request{
		Method:     r.Method,
		URL:        r.URL.RequestURI(),
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
	rec.Request.Route = routePattern(r)
	if r.PostForm != nil {
		rec.Request.Form = tb.redact.values(r.PostForm)
	}
	rec.Alerts = panels.Analyze(rec, tb.cfg.Thresholds)
}

// keep records how the response went and adds the record to the history.
func (tb *Toolbar) keep(rec *panels.Record, res respwriter.Result, h http.Header) {
	rec.Response = panels.Response{
		Status:      res.Status,
		Header:      tb.redact.header(h),
		Size:        res.Size,
		ContentType: res.ContentType,
		Injected:    res.Injected,
		NotInjected: res.NotInjected,
	}
	tb.store.Add(rec)
}

// serverTiming is the Server-Timing header value, so the browser's own
// developer tools show the request's time in SQL and in the cache.
func serverTiming(rec *panels.Record, col *collector) string {
	sqlTime, cacheTime := col.totals()
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
	return fmt.Sprintf(`total;dur=%s;desc="Total", sql;dur=%s;desc="SQL", cache;dur=%s;desc="Cache"`,
		ms(time.Since(rec.Start)), ms(sqlTime), ms(cacheTime))
}

type snippetData struct {
	ID, Link, API, Summary, Alerts, Script, Nonce string
}

func (tb *Toolbar) snippet(rec *panels.Record, link string, h http.Header) []byte {
	var b bytes.Buffer
	alerts := len(rec.Alerts)
	d := snippetData{
		ID:      rec.ID,
		Link:    link,
		API:     tb.cfg.Prefix + "api/requests/" + rec.ID,
		Summary: fmt.Sprintf("%s, %d queries", rec.Duration.Round(time.Millisecond), countQueries(rec)),
		Alerts:  fmt.Sprint(alerts),
		Script:  tb.cfg.Prefix + "static/" + assets.Path("toolbar.js"),
		Nonce:   cspNonce(h),
	}
	if err := snippet(d).Render(context.Background(), &b); err != nil {
		panic(err) // contained by the response writer: the page is served untouched
	}
	return b.Bytes()
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

// routePattern is the router's pattern for r: chi's, else ServeMux's.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return r.Pattern
}
