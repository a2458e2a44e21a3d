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
// # The history
//
// Each observed request's record (panels.Record) is finished when the
// request ends and kept: the newest Config.HistorySize in memory by
// default, in files with Config.HistoryDir (so the toolbar's links keep
// working after a restart), or in any Store (the redisstore module shares
// one history between processes). The history is served as pages under
// Config.Prefix and as JSON under Prefix + "api/v1/" (the records'
// encoding, see panels.Record.MarshalJSON); Toolbar.Record and
// Toolbar.History read it from Go.
//
// # Panels
//
// The toolbar's panels are Config.Panels, DefaultPanels when it is nil. A
// panel of the app's own is a panels.Panel; what it shows, the request
// records with RecordData:
//
//	toolbar.RecordData(r.Context(), "flags", flags)
//	tb, err := toolbar.New(toolbar.Config{Panels: append(toolbar.DefaultPanels(), flagsPanel{})})
//
// # Budgets and loud mode
//
// The budget package checks in tests what a page costs in queries (at
// most 5, no N+1, not growing with the data). In development, Config.Loud
// logs chosen alerts with their call site, counts them in an
// X-Debug-Alerts header and can turn the page into an error page (see
// Loud).
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
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/filestore"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// Toolbar is a configured debug toolbar. Create it with New; it is safe
// for concurrent use.
type Toolbar struct {
	cfg   Config
	allow *allowlist
	// history is the kept records: the newest in memory, and in the
	// configured store when there is one.
	history *history
	redact  *redactor
	routes  http.Handler
	panels  []panels.Panel
	assets  assetURLs
	// snippetHead begins every snippet's data (see snippetHead).
	snippetHead []byte
	log         *slog.Logger
	// outside holds the database work that ran while observed requests
	// did but belongs to none of them.
	outside *outside
	// redirects are the observed redirects waiting for the request that
	// follows them.
	redirects *redirects
	// listen warns once when the server is reached on a public address.
	listen listenCheck
	// accept are the findings the developer accepted.
	accept *acceptance
	// csrf guards the endpoints that act (EXPLAIN).
	csrf csrf
	// explaining holds a slot per EXPLAIN of slow queries running in the
	// background.
	explaining chan struct{}
	// editor makes the open-in-editor links of the panels' frames.
	editor *render.Editor
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
		return &Toolbar{}, nil
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
		{"MaxCacheCalls", &cfg.MaxCacheCalls, DefaultMaxCacheCalls},
		{"MaxSpans", &cfg.MaxSpans, DefaultMaxSpans},
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
	if cfg.HistoryBytes < 0 {
		return nil, fmt.Errorf("toolbar: HistoryBytes %d is negative", cfg.HistoryBytes)
	}
	if cfg.HistoryBytes == 0 {
		cfg.HistoryBytes = DefaultHistoryBytes
	}
	store := cfg.Store
	switch {
	case store != nil && cfg.HistoryDir != "":
		return nil, fmt.Errorf("toolbar: set Store or HistoryDir (%q), not both", cfg.HistoryDir)
	case cfg.HistoryDir != "":
		fs, err := filestore.New(cfg.HistoryDir, cfg.HistorySize, cfg.HistoryBytes)
		if err != nil {
			return nil, fmt.Errorf("toolbar: HistoryDir: %w", err)
		}
		store = fileStore{fs}
	}
	if cfg.Panels == nil {
		cfg.Panels = DefaultPanels()
	}
	if err := checkPanels(cfg.Panels); err != nil {
		return nil, err
	}
	if cfg.Loud != nil { // the app's value may change; the toolbar's does not
		loud := *cfg.Loud
		loud.Kinds = slices.Clone(loud.Kinds)
		cfg.Loud = &loud
	}
	allow, err := newAllowlist(cfg.InternalIPs, cfg.TrustedProxies, cfg.Logger)
	if err != nil {
		return nil, err
	}
	editor, err := render.NewEditor(cfg.Editor, cfg.EditorPathMap)
	if err != nil {
		return nil, fmt.Errorf("toolbar: %w", err)
	}
	redact := newRedactor(cfg.RedactNames)
	accept, err := newAcceptance(cfg.Accept, cfg.HistoryDir)
	if err != nil {
		return nil, err
	}
	if cfg.Thresholds.Recent == nil {
		cfg.Thresholds.Recent = panels.NewRecentReads()
	}
	if own := cfg.Thresholds.Accepted; own != nil {
		cfg.Thresholds.Accepted = func(key string) bool { return own(key) || accept.has(key) }
	} else {
		cfg.Thresholds.Accepted = accept.has
	}
	tb := &Toolbar{
		cfg:     cfg,
		allow:   allow,
		history: newHistory(cfg.HistorySize, store, cfg.Logger),
		redact:  redact,
		panels:  cfg.Panels,
		assets:  newAssetURLs(cfg.Prefix),
		log:     cfg.Logger,
		outside: newOutside(cfg.MaxQueries, cfg.MaxRecordBytes, redact),
		accept:  accept,
		csrf:    newCSRF(),

		explaining: make(chan struct{}, autoExplainRunning),
		editor:     editor,
	}
	tb.snippetHead = snippetHead(cfg.Prefix, tb.csrf.token, tb.assets.styles)
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

// Record returns a kept record by its id (the X-Debug-Token header of the
// response it recorded), from memory or the configured store; the error
// wraps ErrNotFound when it is not kept.
//
// The id OutsideID gives the entry for work outside any request, as it
// stands.
func (tb *Toolbar) Record(ctx context.Context, id string) (*panels.Record, error) {
	if !enabled {
		return nil, ErrNotFound
	}
	if id == OutsideID {
		if rec, ok := tb.outside.record(tb.cfg.Thresholds); ok {
			return rec, nil
		}
	}
	return tb.history.get(ctx, id)
}

// History returns the summaries of the kept records, newest first.
func (tb *Toolbar) History(ctx context.Context) ([]panels.Summary, error) {
	if !enabled {
		return nil, nil
	}
	return tb.history.list(ctx, tb.cfg.HistorySize)
}

// Close waits until the records kept so far are in the configured store
// (HistoryDir or Store), which a toolbar writes in the background; call it
// when the server shuts down. Records kept after Close stay in memory.
func (tb *Toolbar) Close() error {
	if enabled {
		tb.history.close()
	}
	return nil
}
