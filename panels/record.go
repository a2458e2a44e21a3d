// Package panels holds what debugtoolbar knows about one request (the
// [Record]), the analysis that turns it into alerts, and the panels that
// show it.
package panels

import (
	"net/http"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Record is everything captured for one request. The toolbar fills it while
// the request runs and freezes it when the request ends; after that it is
// only read.
type Record struct {
	ID       string
	Start    time.Time
	Duration time.Duration
	Request  Request
	Response Response

	// Queries are the request's database operations in the order they
	// finished, at most the configured cap; QueriesDropped counts the rest.
	Queries        []sqltrace.Event
	QueriesDropped int
	// Cache are the request's cache operations, capped like Queries.
	Cache        []CacheEvent
	CacheDropped int
	// Spans are named stretches of the app's own time (an outgoing call, a
	// render), capped like Queries.
	Spans        []Span
	SpansDropped int
	// late counts events that arrived after the request had finished (see
	// Late).
	late atomic.Int64
	// Unattributed are database operations that ran while the request
	// did, without its context, on goroutines it did not start (a worker
	// pool started at boot): they may be the request's work, but nothing
	// ties them to it with certainty. At most a few are kept, for their
	// callers; UnattributedCount counts them all. They are kept in full in
	// the history's entry for work outside any request.
	Unattributed      []sqltrace.Event
	UnattributedCount int
	// UnattributedTime is how much of the request's time those operations
	// took (the part after it began).
	UnattributedTime time.Duration
	// Outside marks the history's entry for work outside any request; it
	// has no request or response.
	Outside bool
	// Panic is the value of a panic the handler raised, formatted.
	Panic string
	// RedirectedFrom are the requests whose redirects led to this one,
	// first hop first (POST /login 303, then GET /home 302, ...): the
	// same client asked for this URL right after one of its requests was
	// redirected here. Empty when it was not a redirect's landing.
	RedirectedFrom []Redirect

	Alerts []Alert
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
	Method     string
	URL        string // as the client asked for it, query included
	Path       string
	Route      string // the router's pattern: chi's RoutePattern() or ServeMux's r.Pattern
	RemoteAddr string // the client address the allowlist saw
	Proto      string
	TLS        bool
	Host       string
	Header     http.Header
	Query      url.Values
	Form       url.Values // a url-encoded or multipart body's fields, from what the app read
	Body       RequestBody
	Cookies    []Cookie
}

// Redirect is a request whose response redirected the client: enough to
// name it and link to it while it is still in the history.
type Redirect struct {
	ID     string
	Method string
	URL    string // as the client asked for it, query included
	Status int    // 301, 302, 303, 307 or 308
}

// Cookie is a request cookie, its value redacted unless allowed.
type Cookie struct {
	Name, Value string
}

// Response is the part of a Record that describes the response.
type Response struct {
	Status      int
	Header      http.Header
	Size        int64 // bytes of body written by the app
	ContentType string
	// Injected reports whether the toolbar was inserted into the body;
	// NotInjected says why not (empty when it was).
	Injected    bool
	NotInjected string
	// CSP says what the toolbar changed in the page's
	// Content-Security-Policy so that it could run, one entry per policy
	// ("header: added 'nonce-…' to script-src"); empty when nothing was.
	CSP []string
}

// CacheEvent is one cache operation.
type CacheEvent struct {
	Op       string // get, set, delete, ... (lower case)
	Key      string
	Read     bool // a lookup, for which Hit says whether the key was found
	Hit      bool
	Start    time.Time
	Duration time.Duration
	Err      error
	Backend  string // "redis", "memory", ...; empty when not said
	Stack
}

// Stack is where in the app's code an operation was made.
type Stack struct{ callers sqltrace.Callers }

// Caller returns the line of application code that made the operation, or
// the zero Frame when it was not captured.
func (s *Stack) Caller() runtime.Frame { return s.callers.Caller() }

// SetCallers sets the stack behind Caller.
func (s *Stack) SetCallers(c sqltrace.Callers) { s.callers = c }

// Span is a named stretch of time within a request.
type Span struct {
	Name     string
	Start    time.Time
	Duration time.Duration
	Err      error
	Stack
}

// Alert is something wrong with a request that the analysis found.
type Alert struct {
	Kind     AlertKind
	Message  string
	Queries  []int // indexes into Record.Queries the alert is about
	Severity Severity
}

// AlertKind names a class of problem.
type AlertKind string

// The kinds of alert the analysis raises.
const (
	AlertNPlusOne       AlertKind = "n_plus_one"
	AlertDuplicate      AlertKind = "duplicate_queries"
	AlertSlowQuery      AlertKind = "slow_query"
	AlertQueryErrors    AlertKind = "query_error"
	AlertTooManyQueries AlertKind = "too_many_queries"
	AlertQueriesCapped  AlertKind = "queries_dropped"
	AlertNoContext      AlertKind = "queries_without_context"
	AlertUnattributed   AlertKind = "unattributed_queries"
	AlertUnclosedRows   AlertKind = "rows_not_closed"
	AlertOutside        AlertKind = "outside_any_request"
)

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
