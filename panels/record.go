package panels

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"
)

// Record is everything captured for one request. The toolbar fills it while
// the request runs and finishes it once when the request ends (see
// [Record.Finish]); after that it is only read, and every view (the
// toolbar's handle, the panels, the history, the JSON API, Server-Timing)
// shows what Finish computed, so they agree.
//
// A record round-trips through JSON (see [Record.MarshalJSON]): that
// encoding is the toolbar's JSON API, and what a file or Redis store keeps.
type Record struct {
	ID       string        `json:"id"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	Request  Request       `json:"request"`
	Response Response      `json:"response"`

	// Queries are the request's database operations in the order they
	// finished, at most the configured caps. QueriesDropped counts those
	// not kept, StatementsDropped the queries and execs among them.
	Queries           []Query `json:"queries"`
	QueriesDropped    int     `json:"queries_dropped"`
	StatementsDropped int     `json:"statements_dropped"`
	// Cache are the request's cache operations, capped like Queries.
	Cache        []CacheEvent `json:"cache"`
	CacheDropped int          `json:"cache_dropped"`
	// Spans are named stretches of the app's own time (an outgoing call, a
	// render), capped like Queries.
	Spans        []Span `json:"spans"`
	SpansDropped int    `json:"spans_dropped"`
	// Pools are the connection pools of the databases sqltrace opened, as
	// they stood when the request ended, with the waits for a connection
	// made while it ran (see PoolStats).
	Pools []PoolStats `json:"pools,omitempty"`
	// Stacks are the call stacks of the record's operations, each kept
	// once; an operation's Stack field indexes it.
	Stacks []*Stack `json:"-"`
	// late counts events that arrived after the request had finished
	// (see Late).
	late atomic.Int64
	// plans are the plans of its queries taken after it was finished
	// (see SetPlan).
	plans planSet
	// Unattributed are database operations that ran while the request
	// did, without its context, on goroutines it did not start (a worker
	// pool started at boot): they may be the request's work, but nothing
	// ties them to it with certainty. At most a few are kept, for their
	// callers; UnattributedCount counts them all. They are kept in full in
	// the history's entry for work outside any request.
	Unattributed      []Query `json:"unattributed"`
	UnattributedCount int     `json:"unattributed_count"`
	// UnattributedTime is how much of the request's time those operations
	// took (the part after it began).
	UnattributedTime time.Duration `json:"unattributed_ns"`
	// Outside marks the history's entry for work outside any request; it
	// has no request or response.
	Outside bool `json:"outside"`
	// Panic is the value of a panic the handler raised, formatted.
	Panic string `json:"panic"`
	// RedirectedFrom are the requests whose redirects led to this one,
	// first hop first (POST /login 303, then GET /home 302, ...): the
	// same client asked for this URL right after one of its requests was
	// redirected here. Empty when it was not a redirect's landing.
	RedirectedFrom []Redirect `json:"redirected_from"`

	// Data are what the request recorded with toolbar.RecordData, by key,
	// in order: each value's JSON encoding. Read them with DataOf.
	Data map[string][]json.RawMessage `json:"data,omitempty"`
	// DataDropped counts the values not kept (the record's byte budget).
	DataDropped int `json:"data_dropped,omitempty"`

	// Computed by Finish.

	// Shapes group the statements that differ only in their literal
	// values (one fingerprint), in the order each was first run.
	Shapes []Shape `json:"shapes"`
	// Duplicates group the statements run two or more times with the same
	// SQL and arguments: each is the indexes into Queries of one group.
	Duplicates [][]int32 `json:"duplicates"`
	Stats      Stats     `json:"stats"`
	Alerts     []Alert   `json:"alerts"`
}

// Shape is the statements of a record that share a fingerprint.
type Shape struct {
	Fingerprint string  `json:"fingerprint"`
	Queries     []int32 `json:"queries"` // indexes into Record.Queries
	// Distinct counts the different SQL and arguments among them: a shape
	// run 20 times with 20 ids has 20, the same query run twice has 1.
	Distinct int           `json:"distinct"`
	Time     time.Duration `json:"time_ns"`
}

// Stats are a record's totals, computed once by Finish.
type Stats struct {
	// Statements counts the queries and execs the request ran, those
	// not kept included: the one count of queries every view shows.
	Statements int `json:"query_count"`
	// Reads and Writes split the kept statements: queries (rows
	// returned) and execs (a result).
	Reads  int `json:"reads"`
	Writes int `json:"writes"`
	// Dropped counts the operations not kept (the per-request caps).
	Dropped int `json:"dropped"`
	Errors  int `json:"errors"`
	// Transactions and Connections count those the kept operations ran
	// on; Query.Tx and Query.Conn number them from 1.
	Transactions int `json:"transactions"`
	Connections  int `json:"connections"`
	// SQLTime is the time of every kept operation, transactions' included.
	SQLTime time.Duration `json:"sql_ns"`
	Slowest time.Duration `json:"slowest_ns"`
	// Similar counts the statements that share their shape with another;
	// Duplicates those that share their SQL and arguments.
	Similar    int `json:"similar"`
	Duplicates int `json:"duplicates"`

	CacheCalls  int           `json:"cache_calls"`
	CacheReads  int           `json:"cache_reads"`
	CacheHits   int           `json:"cache_hits"`
	CacheErrors int           `json:"cache_errors"`
	CacheTime   time.Duration `json:"cache_time_ns"`
	// SpanTime is the time the spans cover together: spans run side by
	// side count once.
	SpanTime   time.Duration `json:"span_time_ns"`
	SpanErrors int           `json:"span_errors"`

	// Level is the highest severity of the alerts.
	Level Severity `json:"level"`
}

// Summary is what the history lists of a record.
type Summary struct {
	ID       string        `json:"id"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	Method   string        `json:"method"`
	URL      string        `json:"url"`
	Path     string        `json:"path"`
	Route    string        `json:"route"`
	Status   int           `json:"status"`
	// ContentType is the response's, for the history to tell a page from
	// its static assets.
	ContentType string        `json:"content_type,omitempty"`
	Outside     bool          `json:"outside"`
	Statements  int           `json:"query_count"`
	SQLTime     time.Duration `json:"sql_ns"`
	Alerts      int           `json:"alert_count"`
	Level       Severity      `json:"level"`
	// AlertKinds are the kinds of the alerts not accepted, each once, the
	// most severe first.
	AlertKinds []AlertKind `json:"alert_kinds,omitempty"`
	// RedirectedFrom are the requests that redirected to this one.
	RedirectedFrom []Redirect `json:"redirected_from"`
}

// Summary returns the record's summary for the history.
func (r *Record) Summary() Summary {
	level := r.Stats.Level
	planAlerts := r.PlanAlerts()
	for i := range planAlerts {
		if !planAlerts[i].Accepted {
			level = max(level, planAlerts[i].Severity)
		}
	}
	return Summary{
		ID: r.ID, Start: r.Start, Duration: r.Duration,
		Method: r.Request.Method, URL: r.Request.URL, Path: r.Request.Path, Route: r.Request.Route,
		Status: r.Response.Status, ContentType: r.Response.ContentType, Outside: r.Outside,
		Statements: r.Stats.Statements, SQLTime: r.Stats.SQLTime,
		Alerts: len(r.Alerts) + len(planAlerts), Level: level, AlertKinds: r.alertKinds(planAlerts), RedirectedFrom: r.RedirectedFrom,
	}
}

// alertKinds are the kinds of the alerts not accepted, each once, the
// most severe first.
func (r *Record) alertKinds(more []Alert) []AlertKind {
	var kinds []AlertKind
	all := slices.Concat(r.Alerts, more)
	for s := Danger; s >= Info; s-- {
		for i := range all {
			if a := &all[i]; a.Severity == s && !a.Accepted && !slices.Contains(kinds, a.Kind) {
				kinds = append(kinds, a.Kind)
			}
		}
	}
	return kinds
}

// Caller returns the line of app code of an operation's stack (an index
// into Stacks), the zero Frame when it was not captured.
func (r *Record) Caller(stack int32) Frame {
	if stack < 0 || int(stack) >= len(r.Stacks) {
		return Frame{}
	}
	return r.Stacks[stack].Caller()
}

// Stack returns the frames of an operation's stack (an index into Stacks).
func (r *Record) Stack(stack int32) []Frame {
	if stack < 0 || int(stack) >= len(r.Stacks) {
		return nil
	}
	return r.Stacks[stack].Frames()
}

// Late counts the events that arrived after the request had finished,
// from goroutines that outlived it. It is the one figure of a Record that
// may still grow while the record is shown, so it is read and counted
// through methods, safe from any goroutine.
func (r *Record) Late() int { return int(r.late.Load()) }

// AddLate counts one more late event (see Late).
func (r *Record) AddLate() { r.late.Add(1) }

// Request is the part of a Record that describes the request. Secrets are
// redacted before they get here.
type Request struct {
	Method     string      `json:"method"`
	URL        string      `json:"url"` // as the client asked for it, query included
	Path       string      `json:"path"`
	Route      string      `json:"route"`       // the router's pattern: chi's RoutePattern() or ServeMux's r.Pattern
	RemoteAddr string      `json:"remote_addr"` // the client address the allowlist saw
	Proto      string      `json:"proto"`
	TLS        bool        `json:"tls"`
	Host       string      `json:"host"`
	Header     http.Header `json:"headers"`
	Query      url.Values  `json:"query"`
	Form       url.Values  `json:"form"` // a url-encoded or multipart body's fields, from what the app read
	Body       RequestBody `json:"body"`
	Cookies    []Cookie    `json:"cookies"`
}

// Redirect is a request whose response redirected the client: enough to
// name it and link to it while it is still in the history.
type Redirect struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`    // as the client asked for it, query included
	Status int    `json:"status"` // 301, 302, 303, 307 or 308
}

// Cookie is a request cookie, its value redacted unless allowed.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Response is the part of a Record that describes the response.
type Response struct {
	Status      int         `json:"status"`
	Header      http.Header `json:"headers"`
	Size        int64       `json:"size"` // bytes of body written by the app
	ContentType string      `json:"content_type"`
	// Injected reports whether the toolbar was inserted into the body;
	// NotInjected says why not (empty when it was).
	Injected    bool   `json:"injected"`
	NotInjected string `json:"not_injected"`
	// CSP says what the toolbar changed in the page's
	// Content-Security-Policy so that it could run, one entry per policy
	// ("header: added 'nonce-…' to script-src"); empty when nothing was.
	CSP []string `json:"csp_changes"`
}

// CacheEvent is one cache operation.
type CacheEvent struct {
	Op      string `json:"op"` // get, set, delete, ... (lower case)
	Key     string `json:"key"`
	Backend string `json:"backend"` // "redis", "memory", ...; empty when not said
	Read    bool   `json:"read"`    // a lookup, for which Hit says whether the key was found
	Hit     bool   `json:"hit"`
	// Start is when the operation began, from the request's start.
	Start    time.Duration `json:"start_ns"`
	Duration time.Duration `json:"duration_ns"`
	Err      string        `json:"err"`   // the error's text, redacted; empty for none
	Stack    int32         `json:"stack"` // index into Record.Stacks, -1 for none
}

// Span is a named stretch of time within a request.
type Span struct {
	Name string `json:"name"`
	// Start is when the span began, from the request's start.
	Start    time.Duration `json:"start_ns"`
	Duration time.Duration `json:"duration_ns"`
	Err      string        `json:"err"`   // the error's text, redacted; empty for none
	Stack    int32         `json:"stack"` // index into Record.Stacks, -1 for none
	// HTTP describes the outgoing request of a span toolbar.Transport
	// recorded; nil for other spans.
	HTTP *HTTPCall `json:"http,omitempty"`
}

// Severity orders alerts.
type Severity int

// Severities, least first.
const (
	Info Severity = iota
	Warning
	Danger
)

// String returns "info", "warning" or "danger".
func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Danger:
		return "danger"
	}
	return "info"
}

// DataOf decodes the values recorded under key with toolbar.RecordData,
// in the order they were recorded, into values of type T.
func DataOf[T any](r *Record, key string) ([]T, error) {
	raw := r.Data[key]
	out := make([]T, len(raw))
	for i, b := range raw {
		if err := json.Unmarshal(b, &out[i]); err != nil {
			return nil, fmt.Errorf("panels: data %q, value %d: %w", key, i, err)
		}
	}
	return out, nil
}
