package toolbar

import (
	"log/slog"
	"net/http"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Config configures a Toolbar. The zero value works: the toolbar is shown to
// requests from loopback addresses only, under /__debug__/.
//
// Never enable the toolbar in production: it shows SQL, headers and timings
// to whoever the allowlist lets in.
type Config struct {
	// InternalIPs are the client addresses that see the toolbar: IPs
	// ("10.0.0.7", "::1") and CIDRs ("10.0.0.0/8"). Empty means loopback
	// only: 127.0.0.0/8 and ::1.
	InternalIPs []string
	// TrustedProxies are the direct peers (IPs and CIDRs) whose client-IP
	// headers are believed: Forwarded, X-Forwarded-For, X-Real-IP,
	// True-Client-IP, CF-Connecting-IP, Fastly-Client-IP, X-Client-IP,
	// Fly-Client-IP and X-Cluster-Client-IP. Each names the right-most
	// address of its list that is not itself a trusted proxy; all those
	// present must name the same client, or the request is not observed (a
	// proxy passes through from the client the headers it does not set
	// itself). A request from a trusted proxy that names no client is not
	// observed either.
	//
	// A request from any other peer that carries one of those headers is
	// not observed: behind a reverse proxy on the same host every client
	// would otherwise look like 127.0.0.1, and a middleware before the
	// toolbar that rewrites RemoteAddr from them (chi's middleware.RealIP)
	// would let anyone in. The toolbar logs once how to configure it.
	TrustedProxies []string
	// Show, when set, is asked about every request the allowlist lets in
	// and can veto it (like Django's SHOW_TOOLBAR_CALLBACK). It cannot let
	// in a request the allowlist refused unless ShowOverridesAllowlist is
	// set.
	Show func(*http.Request) bool
	// ShowOverridesAllowlist makes Show alone decide, ignoring InternalIPs
	// and the proxy checks. Use it only with a Show that authenticates.
	ShowOverridesAllowlist bool
	// Prefix is the path under which the toolbar serves its pages, API and
	// assets (default "/__debug__/"). It must start and end with "/".
	Prefix string
	// HistorySize is how many requests are kept (default 100).
	HistorySize int
	// HistoryDir, when set, keeps the history in files in this directory
	// (created if missing), so that it survives a restart (air, templ's
	// proxy, go run again) and the toolbar's links keep working: at most
	// HistorySize records, holding at most HistoryBytes, the oldest
	// removed first. Several processes may share one directory.
	HistoryDir string
	// HistoryBytes bounds the files of HistoryDir (default 256 MiB).
	HistoryBytes int64
	// Store keeps the history somewhere else (Redis, for a staging
	// cluster: see the redisstore module). Set at most one of Store and
	// HistoryDir; with neither, the history is kept in memory.
	Store Store
	// MaxQueries is how many database operations one request keeps
	// (default 1000); the rest are counted.
	MaxQueries int
	// MaxCacheCalls is how many cache operations one request keeps
	// (default 1000); the rest are counted.
	MaxCacheCalls int
	// MaxSpans is how many spans (StartSpan, outgoing calls through
	// Transport) one request keeps (default 1000); the rest are counted.
	MaxSpans int
	// MaxBodyBytes is the largest HTML response the toolbar buffers to
	// inject itself (default 5 MiB); larger ones pass through untouched.
	MaxBodyBytes int
	// MaxRequestBodyBytes is how much of a request body the toolbar keeps
	// for the Request panel (default 64 KiB), copied as the app reads it:
	// the toolbar never reads a body itself, and the app reads all of it.
	MaxRequestBodyBytes int
	// MaxRecordBytes bounds what one record keeps of its operations (default
	// 4 MiB): SQL text, arguments, cache keys, span names, estimated as
	// held in memory. Operations past it are counted as dropped, like those
	// past MaxQueries, so a full history holds at most about HistorySize ×
	// MaxRecordBytes of them.
	MaxRecordBytes int
	// Thresholds tune the alerts (slow query, N+1...).
	Thresholds panels.Thresholds
	// Accept lists findings that are known and accepted, by the key the
	// toolbar shows on each alert ("n_plus_one store/pets.go:45"), or a
	// kind alone ("wide_rows") for every finding of that kind. They are
	// still listed, muted, but do not colour the toolbar. Findings can also
	// be accepted from the toolbar; with HistoryDir, those are kept there
	// across restarts.
	Accept []string
	// Panels are the toolbar's panels, in order (nil means
	// DefaultPanels()). Add one of your own with
	// append(DefaultPanels(), myPanel{}); see panels.Panel.
	Panels []panels.Panel
	// RedactNames are extra name fragments (case-insensitive, matched
	// anywhere in a name) whose header, query, form, cookie and SQL argument
	// or column values are hidden. Built in are names with a word such as
	// password, passwd, pwd, secret, token, key, apikey, auth,
	// authorization, session, cookie, credential, signature or otp, matched
	// as whole words of snake_case, camelCase or kebab-case names
	// ("private_key", "X-Api-Key", "accessToken"; not "keyword", "monkey" or
	// "author"). Passwords in connection strings are hidden in every text.
	RedactNames []string
	// Editor, when set, makes every caller and app frame of a stack a link
	// that opens the file at its line in an editor: "vscode",
	// "vscode-insiders", "cursor", "zed", "goland", "idea", "vim" (MacVim's
	// mvim://), "nvim" (nvim://, which needs a URL handler of your own), or a
	// URL template with {path} and {line}, such as
	// "vscode://file{path}:{line}" or "goland://open?file={path}&line={line}".
	// Empty (the default) shows paths as text.
	Editor string
	// EditorPathMap maps path prefixes of the binary's files to where the
	// editor finds them, for an app built in a container or on another
	// machine: {"/app": "/home/me/src/app"}. The longest matching prefix
	// wins; it matches whole path elements.
	EditorPathMap map[string]string
	// Logger receives the toolbar's own warnings (default slog.Default()).
	Logger *slog.Logger
	// Loud, when set, makes the alerts it names hard to miss in
	// development: each is logged to Logger with its call site, the
	// response says how many in an X-Debug-Alerts header, and with Raise
	// the page becomes an error page naming them (see Loud). Nil is off.
	Loud *Loud
}

// Defaults for Config's zero fields.
const (
	DefaultPrefix              = "/__debug__/"
	DefaultHistorySize         = 100
	DefaultMaxQueries          = 1000
	DefaultHistoryBytes        = 256 << 20
	DefaultMaxCacheCalls       = 1000
	DefaultMaxSpans            = 1000
	DefaultMaxBodyBytes        = 5 << 20
	DefaultMaxRequestBodyBytes = 64 << 10
	DefaultMaxRecordBytes      = 4 << 20
)
