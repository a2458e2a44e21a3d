package render

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// requestPanel shows what the client asked for: method, URL, route, client
// address, query and form values, headers and cookies, as redacted by the
// toolbar.
type requestPanel struct{}

// ID implements panels.Panel.
func (requestPanel) ID() string { return "request" }

// Title implements panels.Panel.
func (requestPanel) Title() string { return "Request" }

// Summary implements panels.Panel: the method and the route, or the path when no
// router named one.
func (p requestPanel) Summary(r *panels.Record) string { return string(p.AppendSummary(nil, r)) }

// AppendSummary appends Summary(r) to b.
func (requestPanel) AppendSummary(b []byte, r *panels.Record) []byte {
	// The route where it says more than the path: ServeMux's "GET /{$}"
	// is "GET /".
	target := routeText(r.Request.Route, r.Request.Path)
	if target == "" {
		target = r.Request.Path
	}
	if r.Request.Method == "" {
		return append(b, target...)
	}
	return append(append(append(b, r.Request.Method...), ' '), target...)
}

// Level implements panels.Panel: the request itself is never wrong.
func (requestPanel) Level(*panels.Record) panels.Severity { return panels.Info }

// Content implements panels.Panel.
func (requestPanel) Content(r *panels.Record) templ.Component { return requestContent(r) }

// pair is one row of a name/value table.
type pair struct{ Name, Value string }

// headerPairs lists a header sorted by name, one row per value.
func headerPairs(h http.Header) []pair { return valuePairs(url.Values(h)) }

// valuePairs lists url.Values sorted by name, one row per value.
func valuePairs(v url.Values) []pair {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	var out []pair
	for _, k := range names {
		if len(v[k]) == 0 {
			out = append(out, pair{k, ""})
		}
		for _, val := range v[k] {
			out = append(out, pair{k, val})
		}
	}
	return out
}

func cookiePairs(cs []panels.Cookie) []pair {
	out := make([]pair, len(cs))
	for i, c := range cs {
		out[i] = pair(c)
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// orNone shows an empty value as a dash.
func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
