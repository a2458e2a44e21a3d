package toolbar

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path"
	"runtime/debug"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// router serves the toolbar's own URLs under the prefix. Only allowed
// clients reach it.
func (tb *Toolbar) router() http.Handler {
	r := chi.NewRouter()
	r.Use(tb.contained)
	r.Route(tb.cfg.Prefix[:len(tb.cfg.Prefix)-1], func(r chi.Router) {
		r.Get("/", tb.historyPage)
		r.Get("/requests/{id}", tb.requestPage)
		r.Get("/requests/{id}/panels/{panel}", tb.panelFragment)
		r.Get("/api/requests", tb.apiList)
		r.Get("/api/requests/{id}", tb.apiRequest)
		r.Get("/api/requests/{id}/toolbar", tb.apiToolbar)
		r.Get("/static/{name}", serveAsset)
		r.Head("/static/{name}", serveAsset) // ServeContent answers HEAD itself
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "not found"})
	})
	return r
}

// contained turns a panic in the toolbar's own pages (a custom panel's
// bug, say) into a logged 500, instead of the cut connection net/http
// makes of it.
func (tb *Toolbar) contained(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			tb.log.Error("debugtoolbar: internal error serving the toolbar's own page", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			http.Error(w, "debugtoolbar: internal error; see the server's log", http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// pageCSP is the toolbar's own pages' Content-Security-Policy: nothing
// but its own scripts, styles and requests.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// writeHTML renders c into a buffer first, so a failure is a clean 500.
func writeHTML(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var b bytes.Buffer
	if err := c.Render(r.Context(), &b); err != nil {
		http.Error(w, "debugtoolbar: render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (tb *Toolbar) pageData() panels.PageData {
	return panels.PageData{Prefix: tb.cfg.Prefix, Styles: []string{tb.assetURL("panels.css")}}
}

func (tb *Toolbar) historyPage(w http.ResponseWriter, r *http.Request) {
	writeHTML(w, r, http.StatusOK, panels.HistoryPage(tb.pageData(), tb.history()))
}

// history is the kept records, newest first, after the entry for work
// outside any request when there is some.
func (tb *Toolbar) history() []*panels.Record {
	recs := tb.store.List()
	if out, ok := tb.outside.record(tb.cfg.Thresholds); ok {
		recs = append([]*panels.Record{out}, recs...)
	}
	return recs
}

func (tb *Toolbar) record(w http.ResponseWriter, r *http.Request) (*panels.Record, bool) {
	id := chi.URLParam(r, "id")
	if id == OutsideID {
		if rec, ok := tb.outside.record(tb.cfg.Thresholds); ok {
			return rec, true
		}
	}
	rec, ok := tb.store.Get(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{Error: "no request with this id in the history"})
	}
	return rec, ok
}

func (tb *Toolbar) requestPage(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeHTML(w, r, http.StatusOK, panels.RequestPage(tb.pageData(), rec, tb.panels))
	}
}

// panelFragment is one panel's HTML, which the toolbar fetches when the
// panel is opened. The SQL panel shows the alerts; the others show their
// own problems.
func (tb *Toolbar) panelFragment(w http.ResponseWriter, r *http.Request) {
	rec, ok := tb.record(w, r)
	if !ok {
		return
	}
	p, ok := panels.ByID(tb.panels, chi.URLParam(r, "panel"))
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{Error: "no such panel"})
		return
	}
	writeHTML(w, r, http.StatusOK, p.Content(rec))
}

func (tb *Toolbar) apiToolbar(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeJSON(w, http.StatusOK, tb.toolbarData(rec))
	}
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	name, content, ok := assets.Open(chi.URLParam(r, "name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(content))
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (tb *Toolbar) apiList(w http.ResponseWriter, r *http.Request) {
	recs := tb.history()
	out := make([]apiSummary, len(recs))
	for i, rec := range recs {
		out[i] = summaryOf(rec)
	}
	writeJSON(w, http.StatusOK, out)
}

func (tb *Toolbar) apiRequest(w http.ResponseWriter, r *http.Request) {
	if rec, ok := tb.record(w, r); ok {
		writeJSON(w, http.StatusOK, detailOf(rec))
	}
}

// apiSummary is one request in the history list.
type apiSummary struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Route      string    `json:"route"`
	Status     int       `json:"status"`
	DurationMS float64   `json:"duration_ms"`
	Queries    int       `json:"query_count"`
	Alerts     int       `json:"alert_count"`
	// RedirectedFrom are the requests whose redirects led to this one,
	// first hop first.
	RedirectedFrom []apiRedirect `json:"redirected_from,omitempty"`
}

// apiRedirect is a request that redirected the client; its id opens it.
type apiRedirect struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
	Status int    `json:"status"`
}

func redirectsOf(rec *panels.Record) []apiRedirect {
	if len(rec.RedirectedFrom) == 0 {
		return nil
	}
	out := make([]apiRedirect, len(rec.RedirectedFrom))
	for i, f := range rec.RedirectedFrom {
		out[i] = apiRedirect{ID: f.ID, Method: f.Method, URL: f.URL, Status: f.Status}
	}
	return out
}

// apiRecord is one request in full.
type apiRecord struct {
	apiSummary
	URL            string              `json:"url"`
	RemoteAddr     string              `json:"remote_addr"`
	Proto          string              `json:"proto"`
	TLS            bool                `json:"tls"`
	RequestHeader  http.Header         `json:"request_headers"`
	Query          map[string][]string `json:"query"`
	Form           map[string][]string `json:"form"`
	Body           apiBody             `json:"body"`
	Cookies        []panels.Cookie     `json:"cookies"`
	Response       apiResponse         `json:"response"`
	SQLMS          float64             `json:"sql_ms"`
	CacheMS        float64             `json:"cache_ms"`
	QueryList      []apiQuery          `json:"queries"`
	QueriesDropped int                 `json:"queries_dropped"`
	Cache          []apiCache          `json:"cache"`
	Spans          []apiSpan           `json:"spans"`
	CacheDropped   int                 `json:"cache_dropped"`
	Late           int                 `json:"late_events"`
	// Unattributed are queries that ran while the request did, on
	// goroutines it did not start, without its context (a few of them;
	// UnattributedCount counts all).
	Unattributed      []apiQuery `json:"unattributed_queries,omitempty"`
	UnattributedCount int        `json:"unattributed_count,omitempty"`
	Outside           bool       `json:"outside,omitempty"`
	Panic             string     `json:"panic,omitempty"`
	AlertList         []apiAlert `json:"alerts"`
}

type apiResponse struct {
	Status      int         `json:"status"`
	Header      http.Header `json:"headers"`
	Size        int64       `json:"size"`
	ContentType string      `json:"content_type"`
	Injected    bool        `json:"injected"`
	NotInjected string      `json:"not_injected,omitempty"`
	CSP         []string    `json:"csp_changes,omitempty"`
}

type apiCaller struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function"`
}

type apiQuery struct {
	Kind          string    `json:"kind"`
	SQL           string    `json:"sql"`
	SQLTruncated  bool      `json:"sql_truncated,omitempty"`
	Args          []any     `json:"args"` // text; null for NULL
	ArgsTruncated bool      `json:"args_truncated,omitempty"`
	StartMS       float64   `json:"start_ms"`
	DurationMS    float64   `json:"duration_ms"`
	Rows          int64     `json:"rows"`
	Error         string    `json:"error,omitempty"`
	Tx            uint64    `json:"tx"`
	Conn          uint64    `json:"conn"`
	Fingerprint   string    `json:"fingerprint"`
	Caller        apiCaller `json:"caller"`
	// NoContext: run without the request's context, tied to the request
	// by its goroutine (the fix: pass r.Context()).
	NoContext bool `json:"no_context,omitempty"`
	// Unclosed: its rows were never closed while the request ran.
	Unclosed bool `json:"unclosed,omitempty"`
}

type apiCache struct {
	Op         string    `json:"op"`
	Key        string    `json:"key"`
	Read       bool      `json:"read"`
	Hit        bool      `json:"hit"`
	StartMS    float64   `json:"start_ms"`
	DurationMS float64   `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
	Backend    string    `json:"backend,omitempty"`
	Caller     apiCaller `json:"caller"`
}

type apiSpan struct {
	Name       string    `json:"name"`
	StartMS    float64   `json:"start_ms"`
	DurationMS float64   `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
	Caller     apiCaller `json:"caller"`
}

type apiAlert struct {
	Kind     string `json:"kind"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
	Queries  []int  `json:"queries,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func summaryOf(rec *panels.Record) apiSummary {
	return apiSummary{
		ID:         rec.ID,
		Time:       rec.Start,
		Method:     rec.Request.Method,
		Path:       rec.Request.Path,
		Route:      rec.Request.Route,
		Status:     rec.Response.Status,
		DurationMS: ms(rec.Duration),
		Queries:    countQueries(rec),
		Alerts:     len(rec.Alerts),

		RedirectedFrom: redirectsOf(rec),
	}
}

func detailOf(rec *panels.Record) apiRecord {
	out := apiRecord{
		apiSummary:     summaryOf(rec),
		URL:            rec.Request.URL,
		RemoteAddr:     rec.Request.RemoteAddr,
		Proto:          rec.Request.Proto,
		TLS:            rec.Request.TLS,
		RequestHeader:  rec.Request.Header,
		Query:          rec.Request.Query,
		Form:           rec.Request.Form,
		Body:           bodyOf(&rec.Request.Body),
		Cookies:        rec.Request.Cookies,
		QueriesDropped: rec.QueriesDropped,
		CacheDropped:   rec.CacheDropped,
		Late:           rec.Late(),
		Panic:          rec.Panic,
		Response: apiResponse{
			Status: rec.Response.Status, Header: rec.Response.Header, Size: rec.Response.Size,
			ContentType: rec.Response.ContentType, Injected: rec.Response.Injected, NotInjected: rec.Response.NotInjected,
			CSP: rec.Response.CSP,
		},
		QueryList: make([]apiQuery, len(rec.Queries)),
		Cache:     make([]apiCache, len(rec.Cache)),
		AlertList: make([]apiAlert, len(rec.Alerts)),
	}
	for i := range rec.Queries {
		q := queryOf(rec, &rec.Queries[i])
		out.SQLMS += q.DurationMS
		out.QueryList[i] = q
	}
	for i := range rec.Unattributed {
		out.Unattributed = append(out.Unattributed, queryOf(rec, &rec.Unattributed[i]))
	}
	out.UnattributedCount, out.Outside = rec.UnattributedCount, rec.Outside
	for i := range rec.Cache {
		e := &rec.Cache[i]
		f := e.Caller()
		c := apiCache{Op: e.Op, Key: e.Key, Read: e.Read, Hit: e.Hit, StartMS: ms(e.Start.Sub(rec.Start)), DurationMS: ms(e.Duration),
			Backend: e.Backend, Caller: apiCaller{File: f.File, Line: f.Line, Function: f.Function}}
		if e.Err != nil {
			c.Error = e.Err.Error()
		}
		out.CacheMS += c.DurationMS
		out.Cache[i] = c
	}
	out.Spans = make([]apiSpan, len(rec.Spans))
	for i := range rec.Spans {
		s := &rec.Spans[i]
		f := s.Caller()
		out.Spans[i] = apiSpan{Name: s.Name, StartMS: ms(s.Start.Sub(rec.Start)), DurationMS: ms(s.Duration),
			Caller: apiCaller{File: f.File, Line: f.Line, Function: f.Function}}
		if s.Err != nil {
			out.Spans[i].Error = s.Err.Error()
		}
	}
	for i, a := range rec.Alerts {
		out.AlertList[i] = apiAlert{Kind: string(a.Kind), Message: a.Message, Severity: a.Severity.String(), Queries: a.Queries}
	}
	return out
}

func queryOf(rec *panels.Record, e *sqltrace.Event) apiQuery {
	f := e.Caller()
	q := apiQuery{
		Kind: e.Kind.String(), SQL: e.SQL, SQLTruncated: e.SQLTruncated, ArgsTruncated: e.ArgsTruncated,
		StartMS: ms(e.Start.Sub(rec.Start)), DurationMS: ms(e.Duration), Rows: e.Rows,
		Tx: e.TxID, Conn: e.ConnID, Fingerprint: panels.Fingerprint(e.SQL),
		Caller:    apiCaller{File: f.File, Line: f.Line, Function: f.Function},
		Args:      make([]any, len(e.Args)),
		NoContext: e.NoContext && !rec.Outside, Unclosed: e.Unclosed,
	}
	for j, a := range e.Args {
		q.Args[j] = formatArg(a)
	}
	if e.Err != nil {
		q.Error = e.Err.Error()
	}
	return q
}

// formatArg shows a SQL argument for the JSON API: a string as it is (it
// needs no quotes of its own), NULL as null, anything else as the SQL panel
// shows it.
func formatArg(a any) any {
	switch v := a.(type) {
	case nil:
		return nil
	case string:
		return v
	}
	return panels.FormatArg(a)
}
