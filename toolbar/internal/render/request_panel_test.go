package render

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"golang.org/x/net/html"
)

// factsOf reads a definition list as label: value.
func factsOf(dl *html.Node) map[string]string {
	out := map[string]string{}
	for _, dt := range byTag(dl, "dt") {
		dd := dt.NextSibling
		for dd != nil && dd.Type != html.ElementNode {
			dd = dd.NextSibling
		}
		out[text(dt)] = squash(dd)
	}
	return out
}

// rowsOf reads a name/value table as "name=value" lines.
func rowsOf(t *testing.T, section *html.Node) []string {
	t.Helper()
	var out []string
	for _, tr := range byTestID(section, "kv-row") {
		out = append(out, text(one(t, tr, "kv-name"))+"="+text(one(t, tr, "kv-value")))
	}
	return out
}

func TestRequestPanel(t *testing.T) {
	doc := renderHTML(t, requestPanel{}.Content(recordtest.Realistic()))
	facts := factsOf(one(t, doc, "request-facts"))
	for label, want := range map[string]string{
		"Method": "GET", "URL": "/posts?page=2&tag=go", "Route": "/posts", "Remote address": "127.0.0.1:52144",
		"Protocol": "HTTP/1.1", "TLS": "no", "Host": "localhost:8080",
	} {
		if facts[label] != want {
			t.Errorf("%s = %q, want %q", label, facts[label], want)
		}
	}
	for _, c := range []struct {
		name, section, want string
	}{
		{"query values are sorted by name", "request-query", "page=2 tag=go"},
		{"headers are shown as redacted", "request-headers", "Accept=text/html Authorization=[redacted] User-Agent=Mozilla/5.0"},
		{"cookies keep their order", "request-cookies", "session=[redacted] theme=dark"},
		{"an empty section says None", "request-form", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := one(t, doc, c.section)
			if got := strings.Join(rowsOf(t, s), " "); got != c.want {
				t.Errorf("rows = %q, want %q", got, c.want)
			}
			if none := byTestID(s, "none"); (len(none) == 1) != (c.want == "") || len(none) == 1 && text(none[0]) != "None" {
				t.Errorf("None shown = %v for rows %q", len(none) == 1, c.want)
			}
		})
	}
}

func TestResponsePanel(t *testing.T) {
	for _, c := range []struct {
		name  string
		rec   *panels.Record
		facts map[string]string
		panic string
	}{
		{"an injected HTML page", recordtest.Realistic(), map[string]string{
			"Status": "200 OK", "Content type": "text/html; charset=utf-8", "Size": "18.0 KiB", "Toolbar injected": "yes"}, ""},
		{"a JSON response says why the toolbar is not in it", &panels.Record{Response: panels.Response{
			Status: 201, ContentType: "application/json", Size: 512, NotInjected: "not HTML"}}, map[string]string{
			"Status": "201 Created", "Size": "512 B", "Toolbar injected": "no: not HTML"}, ""},
		{"a panic is shown in a danger box", &panels.Record{Panic: "runtime error: invalid memory address", Response: panels.Response{Status: 500}},
			map[string]string{"Status": "500 Internal Server Error"}, "runtime error: invalid memory address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := renderHTML(t, responsePanel{}.Content(c.rec))
			facts := factsOf(one(t, doc, "response-facts"))
			for label, want := range c.facts {
				if facts[label] != want {
					t.Errorf("%s = %q, want %q", label, facts[label], want)
				}
			}
			boxes := byTestID(doc, "panic")
			if (len(boxes) == 1) != (c.panic != "") {
				t.Fatalf("%d panic boxes, want a box = %v", len(boxes), c.panic != "")
			}
			if c.panic != "" {
				if !hasClass(boxes[0], "dt-box-danger") || text(byTag(boxes[0], "pre")[0]) != c.panic {
					t.Errorf("panic box = %q, class %q", squash(boxes[0]), attr(boxes[0], "class"))
				}
			}
		})
	}
}
