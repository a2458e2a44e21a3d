package render

import (
	"net/url"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// PageData is what the full pages ([RequestPage], [HistoryPage]) need from
// the toolbar that serves them.
type PageData struct {
	// Prefix is where the toolbar's URLs live ("/__debug__/"), with its
	// trailing slash; the history page is at Prefix.
	Prefix string
	// Styles are the stylesheet URLs to link (content-hashed).
	Styles []string
	// Scripts are the script URLs to load, deferred; may be empty.
	Scripts []string
	// Nonce is the CSP nonce put on every <link> and <script> tag; empty
	// for none.
	Nonce string
	// refresh reloads the page every this many seconds; 0 for never.
	refresh int
	// Token is the toolbar's CSRF token, which its scripts send with a
	// POST (EXPLAIN); on the page's <body> as data-token.
	Token string
}

// nonceAttrs is the nonce attribute, or nothing.
func nonceAttrs(nonce string) templ.Attributes {
	if nonce == "" {
		return nil
	}
	return templ.Attributes{"nonce": nonce}
}

// requestURL is a request's page under the prefix.
func requestURL(prefix, id string) templ.SafeURL {
	return templ.URL(prefix + "requests/" + url.PathEscape(id))
}

// pageSection is one panel on the request page, computed once for its nav
// entry and its section.
type pageSection struct {
	ID, Title, Summary string
	Level              panels.Severity
	Content            templ.Component
}

func sectionsOf(r *panels.Record, ps []panels.Panel) []pageSection {
	out := make([]pageSection, len(ps))
	for i, p := range ps {
		out[i] = pageSection{ID: p.ID(), Title: p.Title(), Summary: p.Summary(r), Level: p.Level(r), Content: p.Content(r)}
	}
	return out
}

// panelAnchor is the id of a panel's section on the request page.
func panelAnchor(id string) string { return "debugtoolbar-panel-" + id }

// pathOf is what the history shows for a request: its path, or its URL
// when the path was not kept.
func pathOf(r *panels.Record) string {
	if r.Request.Path != "" {
		return r.Request.Path
	}
	return orNone(r.Request.URL)
}

// summaryPath is pathOf for a summary.
func summaryPath(s *panels.Summary) string {
	if s.Path != "" {
		return s.Path
	}
	return orNone(s.URL)
}

// redirectTargets maps the id of each request that redirected to where it
// led: the landing request, a chain of one, when it is among recs.
func redirectTargets(recs []panels.Summary) map[string][]panels.Redirect {
	var next map[string][]panels.Redirect
	for _, r := range recs {
		if n := len(r.RedirectedFrom); n > 0 {
			if next == nil {
				next = make(map[string][]panels.Redirect)
			}
			next[r.RedirectedFrom[n-1].ID] = []panels.Redirect{{ID: r.ID, Method: r.Method, URL: r.URL, Status: r.Status}}
		}
	}
	return next
}
