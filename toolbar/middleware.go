package toolbar

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

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
// A request that a toolbar further out already records (the same
// middleware twice in the chain, or the budget package's around an app that
// has its own) goes to next as it is: one request, one record, the outer
// toolbar's.
//
// With Config.Loud, an observed request's loud alerts are logged and
// counted in an X-Debug-Alerts header, and may replace its page with an
// error page (see Loud).
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
	if collectorFrom(r.Context()) != nil {
		// A toolbar further out records this request already (a second
		// Middleware in the chain, or budget's around an app that has
		// one): one request, one record.
		next.ServeHTTP(w, r)
		return
	}
	rec := &panels.Record{ID: uuid.NewString(), Start: time.Now()}
	col := newCollector(rec, &tb.cfg, tb.redact)
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

	// The snippet's markup, rendered into a recycled buffer; it goes back
	// once the response has gone out, as the last thing done here.
	var snip *snippetBuf
	defer func() { snip.release() }()

	link := tb.cfg.Prefix + "requests/" + rec.ID
	h := w.Header()
	h["X-Debug-Token"] = []string{rec.ID} // canonical keys: no Set's canonicalising
	h["X-Debug-Token-Link"] = []string{link}
	var timing string // the Server-Timing value the toolbar sent
	addTiming := func(h http.Header) {
		timing = serverTiming(rec, col)
		h["Server-Timing"] = append(h["Server-Timing"], timing)
	}
	opts := respwriter.Options{
		MaxBody:  tb.cfg.MaxBodyBytes,
		OnHeader: addTiming,
		Snippet: func(p respwriter.Page) (respwriter.Injection, error) {
			// The body is complete by now; the rest is known after Finish.
			rec.Response.Status, rec.Response.Size, rec.Response.ContentType = p.Status, p.Size, p.ContentType
			if snip == nil {
				snip = getSnippetBuf()
			}
			return tb.inject(rec, r, p, snip)
		},
	}
	var loud *loudState // Config.Loud's, set up only when it is on
	if tb.cfg.Loud != nil {
		loud = &loudState{}
		opts.OnHeader = func(h http.Header) {
			addTiming(h)
			if loud.finished {
				alertsHeader(h, loud.alerts)
			}
		}
		if tb.cfg.Loud.Raise {
			opts.Replace = func(p respwriter.Page) (respwriter.Replacement, bool) { return tb.raise(rec, loud.alerts, p) }
		}
	}
	rw := respwriter.New(w, r, opts)

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
			tb.logLoud(rec, loudAlerts(tb.cfg.Loud, rec))
			tb.keep(rec, rw.Result(), w.Header(), timing)
		})
		if p != nil {
			panic(p)
		}
	}()
	next.ServeHTTP(rw.ResponseWriter(), r) // with CloseNotify and Push where w has them
	handlerReturned = true
	stopFollowing()
	tb.safely("finishing the record", func() { tb.complete(r, rec, col) })
	if loud != nil {
		tb.safely("making the alerts loud", func() {
			loud.alerts, loud.finished = loudAlerts(tb.cfg.Loud, rec), true
			tb.logLoud(rec, loud.alerts)
		})
	}
	res := rw.Finish() // contains its own panics, serving the page untouched
	tb.safely("keeping the record", func() { tb.keep(rec, res, w.Header(), timing) })
	tb.safely("remembering a redirect", func() { tb.rememberRedirect(r, rec, w.Header()) })
	tb.safely("explaining slow queries", func() { tb.explainSlow(rec) })
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
		Header:     tb.redact.header(r.Header, ""),
		Query:      tb.redact.values(r.URL.Query()),
	}
	for _, c := range r.Cookies() {
		req.Cookies = append(req.Cookies, panels.Cookie{Name: c.Name, Value: Redacted})
	}
	return req
}

// complete finishes the record when the handler has returned: what only
// then is known of the request, and the analysis. It runs before the
// response is finished so the snippet can show the summary.
func (tb *Toolbar) complete(r *http.Request, rec *panels.Record, col *collector) {
	rec.Request.Route = routePattern(r, col)
	var form url.Values
	rec.Request.Body, form = tb.requestBody(firstValue(r.Header["Content-Type"]), col.body)
	switch {
	case form != nil:
		rec.Request.Form = form
	case r.PostForm != nil: // parsed before the toolbar saw the body
		rec.Request.Form = tb.redact.values(r.PostForm)
	}
	col.finish(tb.cfg.Thresholds)
}

// keep records how the response went and adds the record to the history.
func (tb *Toolbar) keep(rec *panels.Record, res respwriter.Result, h http.Header, timing string) {
	var changed []string // the CSP as served
	if res.Injected {
		changed = rec.Response.CSP
	}
	rec.Response = panels.Response{
		Status:      res.Status,
		Header:      tb.redact.header(h, timing),
		Size:        res.Size,
		ContentType: res.ContentType,
		Injected:    res.Injected,
		NotInjected: res.NotInjected,
		CSP:         changed,
	}
	tb.history.add(rec)
}

// firstValue is h.Get(k) for a canonical key read as h[k]: Get would
// canonicalise the key again.
func firstValue(vs []string) string {
	if len(vs) > 0 {
		return vs[0]
	}
	return ""
}
