package respwriter

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const testSnippet = `<script id="debugtoolbar-test" type="application/json">{}</script>`

// here marks, in a test's page, where the snippet is to go.
const here = "◊"

func TestInject(t *testing.T) {
	tests := []struct {
		name string
		page string // with here where the snippet goes; none: not injected
		why  string // the reason when not injected
	}{
		{"a page gets the snippet before its </body>", "<html><body><p>hi</p>◊</body></html>", ""},
		{"an upper-case </BODY> is found", "<HTML><BODY>hi◊</BODY></HTML>", ""},
		{"a mixed-case </Body > with space is found", "<body>hi◊</Body >", ""},
		{"an end tag with attributes holding '>' is found", `<body>hi◊</body class=">">`, ""},
		{"the first real </body> counts", "<body>a◊</body>b</body>", ""},
		{"a </body> in a comment is not the end", "<html><body><!-- </body> -->x◊</body></html>", ""},
		{"a page whose only </body> is in a comment gets it at its end", "<html><body>x<!-- </body> -->◊", ""},
		{"a comment closed by --!> ends there", "<body><!-- a --!>◊</body>", ""},
		{"<!--> is a whole comment", "<body><!-->◊</body>", ""},
		{"<!---> is a whole comment", "<body><!--->◊</body>", ""},
		{"a comment that never ends hides the rest", "<html><body>x<!-- </body></html>", "the page ends inside a comment"},
		{"a bogus comment ends at the first '>'", "<body><? </body> ?>x◊</body>", ""},
		{"a doctype ends at the first '>', quotes or not", `<!DOCTYPE html PUBLIC "-//W3C//DTD>x"><body>y◊</body>`, ""},
		{"a document that omits </body> and </html> gets it at its end", "<!DOCTYPE html><title>t</title><p>x◊", ""},
		{"a document with </html> and no </body> gets it before </html>", "<html><body>x◊</html>\n", ""},
		{"a </body> in a script string is not the end", `<body><script>let s = "</body>"</script>◊</body>`, ""},
		{"a script string after the real </body> is left alone", `<html><body>x◊</body><script>document.write("</body>")</script></html>`, ""},
		{"a script in an escaped comment with a nested <script> ends at the right </script>",
			`<body><script><!--<script>"</script>"</body>--></script>◊</body>`, ""},
		{"</script > with a space ends the script", "<body><script>x</script >◊</body>", ""},
		{"an upper-case </SCRIPT> ends the script", `<body><SCRIPT>"</body>"</SCRIPT>◊</body>`, ""},
		{"<scripty> is not a script", "<body><scripty>◊</body>", ""},
		{"a script that never ends hides the rest", `<html><body><script>"</body></html>`, "the page ends inside <script>"},
		{"an unclosed <textarea> gets nothing", "<html><body><textarea></body></html>", "the page ends inside <textarea>"},
		{"a </body> in a <title> is text", "<title></body></title><body>x◊</body>", ""},
		{"a </body> in a <style> is text", `<style>a::after{content:"</body>"}</style><body>◊</body>`, ""},
		{"a </body> in a <template> does not count", "<body><template></body></template>◊</body>", ""},
		{"a page that ends inside a <template> gets nothing", "<html><body><template>x", "the page ends inside <template>"},
		{"a </body> in a <noscript> is text", "<body><noscript></body></noscript>◊</body>", ""},
		{"a </body> in an <xmp> is text", "<body><xmp></body></xmp>◊</body>", ""},
		{"a </body> in an <iframe> is text", "<body><iframe></body></iframe>◊</body>", ""},
		{"a </body> in a <noembed> is text", "<body><noembed></body></noembed>◊</body>", ""},
		{"a </body> in a <noframes> is text", "<body><noframes></body></noframes>◊</body>", ""},
		{"<plaintext> never ends", "<body><plaintext></body>", "the page ends inside <plaintext>"},
		{"a double-quoted attribute may hold </body>", `<body><div title="a></body>">x◊</body>`, ""},
		{"a single-quoted attribute may hold </body>", `<body><div title='a></body>'>x◊</body>`, ""},
		{"an unquoted attribute ends at '>'", "<body><a href=x>◊</body>", ""},
		{"a quote in an attribute name opens nothing", `<body><div "a>◊</body>`, ""},
		{"a tag that never ends hides the rest", `<html><body><div title="</body></html>`, "the page ends inside a tag"},
		{"a CDATA section in SVG may hold </body>", "<body><svg><![CDATA[</body>]]></svg>◊</body>", ""},
		{"a CDATA section in HTML is a bogus comment", "<body><![CDATA[</body>]]>x◊", ""},
		{"a CDATA section right in a <foreignObject> is one", "<body><svg><foreignObject><![CDATA[</body>]]></foreignObject></svg>◊</body>", ""},
		{"a CDATA section in HTML in a <foreignObject> is a bogus comment", "<body><svg><foreignObject><div><![CDATA[</body>]]>x◊", ""},
		{"a script in SVG is not raw text", `<body><svg><script>"</svg>◊</body>`, ""},
		{"a <p> leaves SVG, so a script after it is raw text", `<body><svg><p><script>"</body>"</script>◊</body>`, ""},
		{"a <font color> leaves SVG", `<body><svg><font color=red><script>"</body>"</script>◊</body>`, ""},
		{"a script in a <foreignObject> is raw text", `<body><svg><foreignObject><script>"</body>"</script></foreignObject></svg>◊</body>`, ""},
		{"a self-closing <svg/> opens nothing", `<body><svg/><script>"</body>"</script>◊</body>`, ""},
		{"a fragment gets nothing", "<p>fragment</p>", "fragment (no <html>, <body> or doctype)"},
		{"an htmx partial gets nothing", `<div hx-swap-oob="true">x</div>`, "fragment (no <html>, <body> or doctype)"},
		{"a </bodyx> is not the end tag", "<body>a</bodyx>◊", ""},
		{"an unterminated </body is a tag that never ends", "<body>a</body", "the page ends inside a tag"},
		{"a </body> followed by a lone < still wins", "<body>a◊</body><", ""},
		{"a page that ends in </ gets nothing, as a tag after it would be a comment", "<body>a</", "the page ends inside an unfinished tag"},
		{"a page that ends in <! gets nothing", "<body>a<!", "the page ends inside a comment"},
		{"a page that ends in a lone < gets it after", "<body>a<◊", ""},
		{"a page that ends in a start tag's name gets nothing", "<body>a<p", "the page ends inside a tag"},
		{"a page that ends in an end tag's name gets nothing", "<body>a</b", "the page ends inside a tag"},
		{"names that start as special ones do are not them", "<body><sc><bo><titles><htmlx></bodies></b></ht><xm><te>◊</body>", ""},
		{"a tag after long text is read", "<body>" + strings.Repeat("lorem ipsum ", 20) + "<title></body></title>◊</body>", ""},
		{"a long attribute value may hold </body>", `<body><div class="` + strings.Repeat("btn ", 20) + `</body>">x◊</body>`, ""},
		{"attributes may be split by any whitespace", "<body><div\n\tclass=\"a></body>\"\fid=x\r>y◊</body>", ""},
		{"a value may follow spaces around '='", `<body><div a ="></body>" b= '></body>'>x◊</body>`, ""},
		{"a quote in an unquoted value opens nothing", `<body><div a=b">◊</body>">`, ""},
		{"a quote after a '=' in an unquoted value opens nothing", `<body><div a=b="c>◊</body>">`, ""},
		{"a '=' that starts a name opens no value", `<body><div =">◊</body>">`, ""},
		{"a '=' right after a quoted value starts a name", `<body><div x="1"="2>◊</body>">`, ""},
		{"a '=' after a '/' starts a name", `<body><div /=">◊</body>">`, ""},
		{"a name right after a quoted value may have a value", `<body><div x="1"y="></body>">x◊</body>`, ""},
		{"a name with a quote in it may have a value", `<body><div a"b="></body>">x◊</body>`, ""},
		{"a missing value ends the tag", "<body><div a=>◊</body>", ""},
		{"an unquoted value ending in '/' does not close <svg>", `<body><svg a=b/><script>"◊</body>"</script></body>`, ""},
		{"a quoted value before '/>' closes <svg>", `<body><svg a="b"/><script>"</body>"</script>◊</body>`, ""},
		{"SVG's own elements leave it open", `<body><svg><g><path d="M0 0"/><circle r=1></circle><script>"◊</body>"</script></body>`, ""},
		{"</svg> leaves SVG", `<body><svg><path d="M0 0"/></svg><script>"</body>"</script>◊</body>`, ""},
		{"an <svg> in an <svg> stays open until its own </svg>", `<body><svg><svg></svg><script>"◊</body>"</script></svg></body>`, ""},
		{"a CDATA section after a void element in a <foreignObject> is one", "<body><svg><foreignObject><br><![CDATA[></body>]]>x◊</body>", ""},
		{"a </p> leaves SVG", `<body><svg></p><script>"</body>"</script>◊</body>`, ""},
		{"a one-letter <b> leaves SVG", `<body><svg><b><script>"</body>"</script>◊</body>`, ""},
		{"a <bx> does not leave SVG", `<body><svg><bx><script>"◊</body>"</script></body>`, ""},
		{"a <b> with a NUL in its name does not leave SVG", "<body><svg><b\x00><script>\"◊</body>\"</script></body>", ""},
		{"a script in a MathML <mtext> is raw text", `<body><math><mtext><script>"</body>"</script></mtext></math>◊</body>`, ""},
		{"a script in an HTML <ANNOTATION-XML> is raw text",
			`<body><math><ANNOTATION-XML ENCODING="TEXT/HTML"><script>"</body>"</script></ANNOTATION-XML></math>◊</body>`, ""},
		{"a script in another <annotation-xml> is not", `<body><math><annotation-xml><script>"◊</body>"</script></annotation-xml></math></body>`, ""},
		{"a </body> in an escaped script with dashes is text", "<body><script><!-- a - b -- c </body> --></script>◊</body>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(tt.page, here, "", 1)
			l := scanWith([]byte(in), true) // what a page without <body> gets
			if !strings.Contains(tt.page, here) {
				if l.at >= 0 || l.why != tt.why {
					t.Errorf("scan(%q) = at %d, why %q; want not injected because %q", in, l.at, l.why, tt.why)
				}
				return
			}
			if l.at < 0 {
				t.Fatalf("scan(%q): not injected because %q", in, l.why)
			}
			got := bytes.Join(inject(nil, []byte(in), l, []byte(testSnippet), nil), nil)
			if want := strings.Replace(tt.page, here, testSnippet, 1); string(got) != want {
				t.Errorf("inject(%q)\n got %q\nwant %q", in, got, want)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name, page string
		complete   bool
	}{
		{"a page that ends with </html> is complete", "<!DOCTYPE html><html><body>x</body></html>", true},
		{"whitespace after </html> is allowed", "<html><body>x</body></html>\n\t ", true},
		{"comments after </html> are allowed", "<html><body>x</body></html>\n<!-- 3 ms -->\n", true},
		{"an upper-case </HTML > counts", "<HTML><BODY>x</BODY></HTML >", true},
		{"a page without </html> is not", "<html><body>x</body>", false},
		{"the head of a page is not", "<!DOCTYPE html><html><head><title>t</title></head>\n", false},
		{"content after </html> means more is coming", "<html><body>x</body></html><p>", false},
		{"a </html> in a comment does not count", "<html><body><!-- </html> -->", false},
		{"a </html> in a script does not count", `<html><body><script>"</html>"`, false},
		{"a </html> in a template does not count", "<html><body><template></html>", false},
		{"an unclosed comment after </html> is not", "<html></html><!-- x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanWith([]byte(tt.page), true).complete; got != tt.complete {
				t.Errorf("scan(%q).complete = %v, want %v", tt.page, got, tt.complete)
			}
		})
	}
}

func TestMetaCSP(t *testing.T) {
	tests := []struct {
		name, page string
		want       []string
	}{
		{"a double-quoted content is found", `<head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-a'"></head>`, []string{"script-src 'nonce-a'"}},
		{"character references are decoded", `<meta http-equiv="content-security-policy" content="script-src &#39;nonce-a&#39; &amp;">`, []string{"script-src 'nonce-a' &"}},
		{"a single-quoted content is found", `<META HTTP-EQUIV='Content-Security-Policy' CONTENT='default-src "self"'>`, []string{`default-src "self"`}},
		{"an unquoted http-equiv and content are found", `<meta content=default-src http-equiv=Content-Security-Policy>`, []string{"default-src"}},
		{"each tag is found, in order", `<meta http-equiv="Content-Security-Policy" content="a"><meta charset=utf-8><meta http-equiv="Content-Security-Policy" content="b">`, []string{"a", "b"}},
		{"other http-equiv values are not", `<meta http-equiv="refresh" content="5">`, nil},
		{"a tag in a comment is not", `<!-- <meta http-equiv="Content-Security-Policy" content="a"> -->`, nil},
		{"a tag in a template is not", `<template><meta http-equiv="Content-Security-Policy" content="a"></template>`, nil},
		{"a tag in the body is not: browsers ignore it", `<body><meta http-equiv="Content-Security-Policy" content="a"></body>`, nil},
		{"a tag without content is not", `<meta http-equiv="Content-Security-Policy">`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range scan([]byte(tt.page)).meta {
				got = append(got, m.content)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("meta CSP of %q = %q, want %q", tt.page, got, tt.want)
			}
		})
	}
}

func TestInjectRewritesMetaCSP(t *testing.T) {
	page := `<html><head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-a'">` +
		`<meta http-equiv=Content-Security-Policy content='style-src &#39;self&#39;'></head><body>x</body></html>`
	l := scan([]byte(page))
	got := bytes.Join(inject(nil, []byte(page), l, []byte(testSnippet), []string{`script-src 'nonce-a' 'nonce-b' "q" &`, "style-src 'self'"}), nil)
	want := `<html><head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-a' 'nonce-b' &quot;q&quot; &amp;">` +
		`<meta http-equiv=Content-Security-Policy content='style-src &#39;self&#39;'>` + testSnippet + `</head><body>x</body></html>`
	if string(got) != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if m := scan(got).meta; len(m) != 2 || m[0].content != `script-src 'nonce-a' 'nonce-b' "q" &` {
		t.Errorf("the rewritten page reads %+v", m)
	}
}

func TestInjectRewritesAMetaCSPAfterTheHead(t *testing.T) {
	page := `<html><head><title>t</title></head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-a'"><body>x</body></html>`
	l := scan([]byte(page))
	got := bytes.Join(inject(nil, []byte(page), l, []byte(testSnippet), []string{`script-src 'nonce-a' 'nonce-b'`}), nil)
	want := `<html><head><title>t</title>` + testSnippet + `</head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-a' 'nonce-b'"><body>x</body></html>`
	if string(got) != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// FuzzInject checks the injector against golang.org/x/net/html, which
// parses as browsers do: the output is the input, or the input with the
// snippet inserted once before a </head> or </body> end tag, a <body> start
// tag, a </html> end tag or at the end of a document; then the snippet is an
// HTML script element in the page, never text in a comment, raw text or an
// attribute, never SVG's or MathML's, and never inside a template; and the
// page parses as it did without it.
func FuzzInject(f *testing.F) {
	for _, s := range []string{
		"<html><body><p>hi</p></body></html>",
		"<HTML><BODY>x</BODY></HTML>",
		"</body></body>",
		"<p>fragment</p>",
		"",
		"</body\n\t >",
		"<</body><",
		"</bodY",
		"<!DOCTYPE html><title></body></title><p>x",
		"<body><script><!--<script></script></body>--></script></body>",
		"<body><svg><![CDATA[</body>]]><foreignObject><style></body></style></foreignObject></svg></body>",
		`<body><textarea></body><div title="</body>"><template></body></template></body>`,
		testSnippet,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if bytes.Contains(body, []byte("debugtoolbar-test")) {
			t.Skip("the body already holds the snippet's id")
		}
		in := bytes.Clone(body)
		l := scan(body)
		if l.at < 0 {
			if l.why == "" {
				t.Fatalf("scan(%q): not injected, with no reason", in)
			}
			return
		}
		if l.foreign {
			return // the Writer injects nothing there
		}
		out := bytes.Join(inject(nil, body, l, []byte(testSnippet), nil), nil)
		if !bytes.Equal(out[:l.at], in[:l.at]) || string(out[l.at:l.at+len(testSnippet)]) != testSnippet || !bytes.Equal(out[l.at+len(testSnippet):], in[l.at:]) {
			t.Fatalf("inject(%q) = %q: not the input with the snippet at %d", in, out, l.at)
		}
		if rest := in[l.at:]; l.at != len(in) && !slices.ContainsFunc([]string{"</head", "<body", "</body", "</html"}, func(p string) bool { return hasFoldPrefix(rest, p) }) {
			t.Fatalf("snippet at %d in %q, before none of </head>, <body>, </body> and </html>", l.at, in)
		}
		if !isDocument(in) {
			t.Fatalf("snippet inserted into %q, which names no <html>, <body> or doctype", in)
		}
		doc, err := html.Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if where := misplaced(doc, false); where != "" {
			t.Fatalf("in %q, the snippet lands %s", out, where)
		}
		if got, want := renderWithout(t, doc), renderWithout(t, mustParse(t, in)); got != want {
			t.Fatalf("with the snippet, %q parses as\n%q\nwithout it, as\n%q", in, got, want)
		}
	})
}

// isDocument reports whether b mentions anything that makes it a document.
func isDocument(b []byte) bool {
	low := bytes.ToLower(b)
	for _, s := range []string{"<html", "<body", "<!doctype", "</body", "</html"} {
		if bytes.Contains(low, []byte(s)) {
			return true
		}
	}
	return false
}

// misplaced says where the snippet's id lands when not on an element
// outside any template: in a comment, in text (raw text included), in an
// attribute of another element, or in a template's contents.
func misplaced(n *html.Node, inTemplate bool) string {
	const id = "debugtoolbar-test"
	switch n.Type {
	case html.CommentNode:
		if strings.Contains(n.Data, id) {
			return "in a comment"
		}
	case html.TextNode:
		if strings.Contains(n.Data, id) {
			return "in text in <" + n.Parent.Data + ">"
		}
	case html.ElementNode:
		for _, a := range n.Attr {
			if !strings.Contains(a.Val, id) {
				continue
			}
			if a.Key != "id" || a.Val != id || n.Data != "script" || n.Namespace != "" {
				return "in an attribute of <" + n.Data + ">"
			}
			if inTemplate {
				return "in a template"
			}
		}
		inTemplate = inTemplate || n.Data == "template" && n.Namespace == ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if where := misplaced(c, inTemplate); where != "" {
			return where
		}
	}
	return ""
}

func mustParse(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// renderWithout renders doc with the test snippet's element taken out.
func renderWithout(t *testing.T, doc *html.Node) string {
	t.Helper()
	var drop func(n *html.Node)
	drop = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && slices.ContainsFunc(c.Attr, func(a html.Attribute) bool { return a.Key == "id" && a.Val == "debugtoolbar-test" }) {
				n.RemoveChild(c)
			} else {
				drop(c)
			}
			c = next
		}
	}
	drop(doc)
	var b strings.Builder
	if err := html.Render(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
