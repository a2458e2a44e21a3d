package respwriter

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// scanPages are pages of about 100 KB in the shapes a scan meets: short
// tags in text, tags with many quoted attributes, inline scripts that hold
// "</" and "<!--", long comments, and inline SVG icons (foreign content).
var scanPages = []struct{ name, page string }{
	{"paragraphs", "<!doctype html><html><body>" + strings.Repeat("<p>lorem ipsum dolor sit amet</p>\n", 100<<10/35) + "</body></html>"},
	{"attributes", shapedPage(`<li><a href="/x?a=1&b=2" class="btn btn-primary" data-x='y'>Item</a></li>` + "\n" +
		`<div class="flex items-center justify-between gap-4 rounded-lg border px-4 py-2" id=row><span>Total</span></div>` + "\n")},
	{"scripts", shapedPage("<p>text</p><script>\nvar s = \"<div class='x'>\" + name + \"</div>\";\nif (a < b && b > c) { el.innerHTML = s; }\n" +
		"document.write(\"<!-- ad -->\");\nfor (let i = 0; i < n; i++) { total += i; }\n</script>\n")},
	{"comments", shapedPage("<p>text</p><!-- " + strings.Repeat("a long comment that explains the markup; ", 25) + "-->\n")},
	{"svg", shapedPage(`<button class="icon-btn"><svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2L2 7l10 5 10-5-10-5z"/></svg>Save</button>` + "\n")},
}

// shapedPage is a document of about 100 KB whose body repeats part.
func shapedPage(part string) string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shapes</title></head><body>` + "\n" +
		strings.Repeat(part, 100<<10/len(part)) + "</body></html>\n"
}

// BenchmarkScan is the tokenizer pass over each whole page shape (as for a
// page without <body>), beside a pass that only stops at each '<' (with
// bytes.IndexByte, the standard library's SIMD search), so that the ratio
// of the two is measured in one run.
func BenchmarkScan(b *testing.B) {
	for _, p := range scanPages {
		page := []byte(p.page)
		b.Run("page="+p.name+"/pass=indexbyte", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				for i := 0; ; i++ {
					j := bytes.IndexByte(page[i:], '<')
					if j < 0 {
						break
					}
					i += j
				}
			}
		})
		b.Run("page="+p.name+"/pass=scan", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				scanWith(page, true)
			}
		})
	}
}

func TestScanPages(t *testing.T) {
	for _, p := range scanPages {
		t.Run(fmt.Sprintf("the %s page gets the snippet before its </head> or <body>, having read no further", p.name), func(t *testing.T) {
			want := strings.Index(p.page, "</head>")
			if want < 0 {
				want = strings.Index(p.page, "<body>")
			}
			if l := scan([]byte(p.page)); l.at != want || !l.early {
				t.Errorf("scan = %+v, want at %d and early", l, want)
			}
			if l := scanWith([]byte(p.page), true); !l.complete {
				t.Errorf("scanning to the end = %+v, want complete", l)
			}
			checkScan(t, []byte(p.page))
		})
	}
}

// FuzzScan checks that scan reads every page as scanRef, the tokenizer
// without its shortcuts, does, with either skim.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"<html><body><p>hi</p></body></html>",
		`<body><a href="/x?a=1&b=2" class="btn" data-x='y'>x</a></body>`,
		`<body><div a"b=">"x><p =">"></p><i a=b="c>"></i></body>`,
		"<body><script><!--<script></script></body>--></script></body>",
		"<body><svg><![CDATA[</body>]]><foreignObject><style></body></style></foreignObject></svg></body>",
		`<body><svg a=b/><path d="M0 0"/></p><math><mtext><b>x</b></mtext></math></svg></body>`,
		`<body><textarea></body><div title="</body>"><template></body></template></body>`,
	} {
		f.Add([]byte(s))
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100 {
		f.Add(soup(r))
	}
	f.Fuzz(func(t *testing.T, page []byte) { checkScan(t, page) })
}

// soupNames are tag names for soup: those scan looks at, in any case,
// others, and some that are nearly the same.
var soupNames = []string{
	"html", "body", "meta", "template", "svg", "math", "script", "style", "xmp", "iframe", "noembed", "noframes",
	"noscript", "title", "textarea", "plaintext", "foreignObject", "desc", "mi", "mo", "mn", "ms", "mtext",
	"annotation-xml", "br", "p", "font", "b", "i", "s", "u", "h1", "div", "span", "a", "table", "path", "g",
	"li", "ul", "td", "BODY", "Html", "ScRiPt", "SVG", "TEMPLATE", "bodyx", "scripty", "sv", "ht", "te", "mat",
}

// soup is a random page of the pieces scan's states turn on: tags with
// those names and attributes of every syntax, text holding the bytes that
// open and close comments, raw text and CDATA, and bytes at random.
func soup(r *rand.Rand) []byte {
	text := []string{
		"<", "</", ">", "/>", "/", "=", `"`, "'", " ", "\n", "\t", "\f", "\r", "!", "?", "-", "--", "x", "é", "\x00",
		"<!--", "-->", "--!>", "<!-->", "<!--->", "<![CDATA[", "]]>", "<!doctype html>", "<?x ", "<!x>", "</ ", "</>",
		"<script", "</script", "<!-- <script>", "--> ",
	}
	attrNames := []string{"a", "href", "color", "face", "encoding", "http-equiv", "content", `"`, "=", "a\"b", "/", "x/"}
	values := []string{`"x"`, `'y'`, `"a>b"`, `'a"b'`, `">"`, `"`, `'`, "b", `b"c`, "b=c", "b/", ">", "text/html",
		"application/xhtml+xml", `"Content-Security-Policy"`, `'default-src "self"'`, ""}
	spaces := []string{"", "", " ", " ", "\n", "\t  "}
	pick := func(from []string) string { return from[r.IntN(len(from))] }
	var b []byte
	for n := r.IntN(30); n > 0; n-- {
		switch r.IntN(6) {
		case 0, 1: // a start tag
			b = append(b, "<"+pick(soupNames)...)
			for k := r.IntN(4); k > 0; k-- {
				b = append(b, " "+pick(attrNames)...)
				if r.IntN(3) > 0 {
					b = append(b, pick(spaces)+"="+pick(spaces)+pick(values)...)
				}
			}
			b = append(b, pick(spaces)...)
			b = append(b, pick([]string{">", ">", ">", "/>", "/ >", ""})...)
		case 2: // an end tag
			b = append(b, "</"+pick(soupNames)+pick(spaces)+pick([]string{">", ">", " a='>'>", "/>", ""})...)
		case 3: // something else
			b = append(b, pick(text)...)
		case 4: // text
			b = append(b, pick([]string{"x", "text ", "é ", "a < b ", "<", "\n"})...)
		default: // a byte at random
			b = append(b, byte(r.IntN(256)))
		}
	}
	return b
}

// checkScan fails t unless scan, stopping at <body> or not, reads page as
// scanRef does.
func checkScan(t *testing.T, page []byte) {
	t.Helper()
	for _, toEnd := range []bool{false, true} {
		if got, want := scanWith(page, toEnd), scanRef(page, toEnd); !reflect.DeepEqual(got, want) {
			t.Fatalf("scanWith(%q, %v)\n = %+v\nwant %+v", page, toEnd, got, want)
		}
	}
}

func TestScanMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 20000 {
		page := soup(r)
		if n%4 == 0 { // longer pages
			for k := r.IntN(8); k > 0; k-- {
				page = append(page, soup(r)...)
			}
		}
		// The page, and some of its beginnings: pages that end anywhere.
		for k := 0; k < 8 && k <= len(page); k++ {
			n := len(page)
			if k > 0 {
				n = r.IntN(len(page) + 1)
			}
			checkScan(t, page[:n])
		}
	}
}
