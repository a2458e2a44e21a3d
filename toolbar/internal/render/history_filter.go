package render

import (
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// HistoryFilter is what the history shows, from its page's query: a
// method, a status class, a piece of the path, only requests with alerts,
// and whether static assets (stylesheets, scripts, images, fonts) are
// listed, which they are not by default: two rows in three of a page's
// history are its assets.
type HistoryFilter struct {
	Method string // "GET", ...; "" for any
	Status string // "2xx", "3xx", "4xx", "5xx"; "" for any
	Search string // in the path or route, case-insensitive
	Alerts bool   // only requests with an alert not accepted
	Assets bool   // list static assets too
	Live   bool   // reload the page every few seconds
}

// ParseHistoryFilter reads a filter from the history page's query. Values
// it does not know are ignored.
func ParseHistoryFilter(q url.Values) HistoryFilter {
	f := HistoryFilter{
		Method: strings.ToUpper(q.Get("method")),
		Status: q.Get("status"),
		Search: strings.TrimSpace(q.Get("q")),
		Alerts: q.Get("alerts") == "1",
		Assets: q.Get("assets") == "1",
		Live:   q.Get("live") == "1",
	}
	if !slices.Contains(historyMethods, f.Method) {
		f.Method = ""
	}
	if !slices.Contains(historyStatuses, f.Status) {
		f.Status = ""
	}
	if len(f.Search) > 200 {
		f.Search = f.Search[:200]
	}
	return f
}

var (
	historyMethods  = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
	historyStatuses = []string{"2xx", "3xx", "4xx", "5xx"}
)

// Query is the filter as the history page's query, "" when it is the
// default.
func (f HistoryFilter) Query() string {
	q := url.Values{}
	for k, v := range map[string]string{"method": f.Method, "status": f.Status, "q": f.Search} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, on := range map[string]bool{"alerts": f.Alerts, "assets": f.Assets, "live": f.Live} {
		if on {
			q.Set(k, "1")
		}
	}
	return q.Encode()
}

// Keep reports whether the filter lists s.
func (f HistoryFilter) Keep(s *panels.Summary) bool {
	switch {
	case !f.Assets && IsStaticAsset(s):
		return false
	case f.Method != "" && s.Method != f.Method:
		return false
	case f.Status != "" && (s.Status/100 != int(f.Status[0]-'0')):
		return false
	case f.Alerts && len(s.AlertKinds) == 0:
		return false
	case f.Search != "":
		q := strings.ToLower(f.Search)
		return strings.Contains(strings.ToLower(s.URL), q) || strings.Contains(strings.ToLower(s.Route), q) || strings.Contains(strings.ToLower(s.Path), q)
	}
	return true
}

// IsStaticAsset reports whether a request was for a stylesheet, a script,
// an image, a font or a source map, by its response's content type or,
// without one, its path's extension.
func IsStaticAsset(s *panels.Summary) bool {
	if s.Outside {
		return false
	}
	ct, _, _ := strings.Cut(strings.ToLower(s.ContentType), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "image/"), strings.HasPrefix(ct, "font/"), ct == "text/css",
		ct == "text/javascript", ct == "application/javascript", ct == "application/x-javascript",
		ct == "application/font-woff", ct == "application/vnd.ms-fontobject", ct == "application/manifest+json":
		return true
	case ct != "" && ct != "application/octet-stream" && ct != "text/plain":
		return false
	}
	switch strings.ToLower(path.Ext(s.Path)) {
	case ".css", ".js", ".mjs", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif",
		".woff", ".woff2", ".ttf", ".otf", ".eot", ".webmanifest":
		return true
	}
	return false
}

// historyView is the history page, computed.
type historyView struct {
	Filter       HistoryFilter
	Rows         []panels.Summary
	Total        int // requests kept
	AssetsHidden int // static assets the filter hides
}

func newHistoryView(f HistoryFilter, recs []panels.Summary) historyView {
	v := historyView{Filter: f, Total: len(recs)}
	for i := range recs {
		if f.Keep(&recs[i]) {
			v.Rows = append(v.Rows, recs[i])
		} else if !f.Assets && IsStaticAsset(&recs[i]) {
			v.AssetsHidden++
		}
	}
	return v
}

// shownText says how many rows the page lists: "12", or "12 of 40".
func (v historyView) shownText() string {
	if len(v.Rows) == v.Total {
		return strconv.Itoa(v.Total)
	}
	return strconv.Itoa(len(v.Rows)) + " of " + strconv.Itoa(v.Total)
}

// refresh is how often the page reloads itself, in seconds: live, every 3.
func (v historyView) refresh() int {
	if v.Filter.Live {
		return 3
	}
	return 0
}

// routeText is a route pattern as the history shows it beside the path:
// ServeMux's method and its {$} dropped ("GET /{$}" is "/"), and "" when
// that is the path itself.
func routeText(route, path string) string {
	if i := strings.IndexByte(route, ' '); i > 0 && !strings.Contains(route[:i], "/") {
		route = strings.TrimLeft(route[i:], " ")
	}
	route = strings.TrimSuffix(route, "{$}")
	if route == "" || route == path {
		return ""
	}
	return route
}
