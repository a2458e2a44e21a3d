package render

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
)

// render renders c and parses the result the way a browser would.
func renderHTML(t testing.TB, c templ.Component) *html.Node {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// findAll returns the elements under n, n included, for which match is
// true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	if n.Type == html.ElementNode && match(n) {
		out = append([]*html.Node{n}, out...)
	}
	return out
}

// byTestID returns the elements under n whose data-testid is id.
func byTestID(n *html.Node, id string) []*html.Node {
	return findAll(n, func(e *html.Node) bool { return attr(e, "data-testid") == id })
}

// byTag returns the elements under n with the tag name.
func byTag(n *html.Node, tag string) []*html.Node {
	return findAll(n, func(e *html.Node) bool { return e.Data == tag })
}

// one returns the only element under n whose data-testid is id.
func one(t testing.TB, n *html.Node, id string) *html.Node {
	t.Helper()
	found := byTestID(n, id)
	if len(found) != 1 {
		t.Fatalf("%d elements with data-testid=%q, want 1", len(found), id)
	}
	return found[0]
}

// attr returns the value of an attribute of e, "" when it is absent.
func attr(e *html.Node, name string) string {
	for _, a := range e.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether e has an attribute.
func hasAttr(e *html.Node, name string) bool {
	for _, a := range e.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// hasClass reports whether e has a class.
func hasClass(e *html.Node, class string) bool {
	return strings.Contains(" "+attr(e, "class")+" ", " "+class+" ")
}

// text is the text content of n, as textContent gives it.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// squash is text with its whitespace collapsed, for comparing what a reader
// sees.
func squash(n *html.Node) string { return strings.Join(strings.Fields(text(n)), " ") }
