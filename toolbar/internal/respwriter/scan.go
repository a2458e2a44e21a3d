package respwriter

import (
	"bytes"
	"encoding/binary"
	"html"
	"math/bits"
)

// layout is what one pass of an HTML tokenizer finds in a page: where the
// head (or, in a page without one, the body) really ends, whether the page
// is a whole document, and the Content-Security-Policy its head declares.
type layout struct {
	// at is where the snippet goes: before the first real </head> end tag,
	// else before the first real <body> start tag; in a page with neither,
	// before the first real </body> end tag, else before the first real
	// </html>, else at the end of a document that omits both; -1 when
	// nowhere, and why says why.
	at  int
	why string
	// early reports that the scan stopped at the <body> start tag: what
	// follows it was not read, and complete is false.
	early bool
	// foreign reports that at lies in SVG or MathML content (a page with
	// no <body> start tag, whose </body> comes before its </svg>), where the
	// snippet's scripts would be SVG's or MathML's.
	foreign bool
	// complete reports that the page ends with its real </html> end tag,
	// followed by nothing but whitespace and comments: a page rendered to
	// the end, not the first part of a stream.
	complete bool
	// meta lists the <meta http-equiv="Content-Security-Policy"> tags of the
	// head, in document order.
	meta []metaCSP
}

// metaCSP is one <meta http-equiv="Content-Security-Policy"> tag.
type metaCSP struct {
	start, end int    // the content attribute's value as written, quotes included
	content    string // its value, character references decoded
}

// scan tokenizes b as the HTML standard's tokenizer does, as far as it
// decides where the head or the body ends: comments (including <!-->, --!> and bogus
// ones), doctypes, quoted attribute values that hold '>', the raw text of
// <script> (with its escaped states), <style>, <xmp>, <iframe>, <noembed>,
// <noframes>, <noscript> (as a browser that runs scripts parses it) and
// <plaintext>, the escapable raw text of <title> and <textarea>, <template>
// contents, and CDATA sections in <svg> and <math>. It does not build a tree,
// so it does not know that </body> is ignored inside <table> or <select>;
// the snippet is then moved (a table's foster parent) or dropped by the
// browser, never shown as text.
//
// A page is a document when it has a doctype, an <html> or <body> start
// tag, or a real </head>, </body> or </html> end tag; anything else is a
// fragment (an htmx partial, say), which gets nothing.
//
// The snippet is scripts only (the toolbar's script makes its own element),
// so it may go in the head, and most pages have a <body> start tag, where
// the head has certainly ended: scan stops there, so a page costs what its
// head costs to read, not what it weighs.
//
// It runs on every page the toolbar observes, so it reads most tags without
// stopping: see skim.
func scan(b []byte) layout { return scanWith(b, false) }

// scanWith is scan, reading on past the <body> start tag (as if the page
// had none) when toEnd.
func scanWith(b []byte, toEnd bool) layout {
	s := scanner{b: b, toEnd: toEnd, headEnd: -1, bodyStart: -1, bodyEnd: -1, htmlEnd: -1, lastHTMLEnd: -1}
	s.run()
	l := layout{at: -1, meta: s.meta, early: s.bodyStart >= 0}
	switch {
	case s.headEnd >= 0:
		l.at = s.headEnd
	case s.bodyStart >= 0:
		l.at = s.bodyStart
	case s.bodyEnd >= 0:
		l.at, l.foreign = s.bodyEnd, s.bodyEndForeign
	case s.htmlEnd >= 0:
		l.at, l.foreign = s.htmlEnd, s.htmlEndForeign
	case !s.doc:
		l.why = "fragment (no <html>, <body> or doctype)"
	case s.eofIn != "":
		l.why = "the page ends inside " + s.eofIn
	case s.templates > 0:
		l.why = "the page ends inside <template>"
	default:
		l.at, l.foreign = len(b), len(s.stack) > 0
	}
	l.complete = !l.early && s.eofIn == "" && s.templates == 0 && s.lastHTMLEnd >= 0 && onlyComments(b[s.lastHTMLEnd:])
	return l
}

// frame is an open <svg> or <math> element, or an HTML integration point in
// one (<foreignObject>, <desc>, <title> in SVG; <mi>, <mo>, <mn>, <ms>,
// <mtext>, <annotation-xml encoding="text/html"> in MathML), inside which
// content is HTML again.
type frame struct {
	el        elem
	svg       bool // in SVG, else in MathML
	html      bool // an HTML integration point
	open      int  // HTML elements open in an integration point
	templates int  // the <template> depth it was opened at
}

type scanner struct {
	b         []byte
	toEnd     bool // not stopping at <body>
	i         int
	doc       bool // a doctype, <html>, <body>, </body> or </html> seen
	inBody    bool // a <body> start tag or a real </body> seen: no more head
	templates int  // open <template> elements
	stack     []frame

	headEnd, bodyStart int // offsets of the first real </head> and <body>
	bodyEnd, htmlEnd   int // offsets of the first real </body> and </html>
	bodyEndForeign     bool
	htmlEndForeign     bool // each in SVG or MathML
	lastHTMLEnd        int  // just after the last real </html>
	eofIn              string
	meta               []metaCSP
}

// foreign reports whether the tokenizer is in SVG or MathML content, where
// <script> and <style> are not raw text.
func (s *scanner) foreign() bool {
	return len(s.stack) > 0 && !s.stack[len(s.stack)-1].html
}

// cdata reports whether the current node is an SVG or MathML element,
// which makes "<![CDATA[" a CDATA section: in foreign content, and in an
// integration point until an HTML element opens in it.
func (s *scanner) cdata() bool {
	return len(s.stack) > 0 && (!s.stack[len(s.stack)-1].html || s.stack[len(s.stack)-1].open == 0)
}

func (s *scanner) run() {
	b := s.b
	for i := s.i; ; {
		var lt int
		switch {
		case len(s.stack) == 0:
			lt = skim(b, i, &htmlPairs)
		case !s.stack[len(s.stack)-1].html:
			lt = skim(b, i, &foreignPairs)
		default: // in an integration point, where HTML elements count
			lt = indexLT(b, i)
		}
		switch {
		case lt == eofInTag:
			s.eofIn = "a tag"
			return
		case lt < 0:
			return
		}
		i = lt + 1
		if i >= len(b) {
			return // a '<' at the end is text
		}
		c := b[i]
		s.i = i
		var ok bool
		switch {
		case isAlpha(c):
			ok = s.startTag()
		case c == '/':
			ok = s.endTag(lt)
		case c == '!':
			ok = s.markup()
		case c == '?':
			ok = s.bogusComment(s.i)
		default:
			ok = true // a '<' that starts nothing is text
		}
		if !ok {
			return
		}
		i = s.i
	}
}

// eofInTag is what skim returns when a tag does not end.
const eofInTag = -2

// skim moves from i past text and the tags that change nothing, and
// returns the offset of the next '<' scan has to read itself, -1 when there
// is none, or eofInTag. The first two bytes of a tag's name tell whether it
// may change something (p), and the first '>' ends it when no quote comes
// before: most tags of most pages are read so, with no function call or name
// comparison, and this loop is where scan spends its time.
func skim(b []byte, i int, p *pairs) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for {
		// Text runs to the next '<': eight bytes at a time, as tags are
		// close together; bytes.IndexByte takes over for long text.
		for n := 0; ; n++ {
			if i > len(b)-8 {
				if j := bytes.IndexByte(b[i:], '<'); j >= 0 {
					i += j
					break
				}
				return -1
			}
			y := binary.LittleEndian.Uint64(b[i:]) ^ (lo * '<')
			if m := (y - lo) &^ y & hi; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
			if n == 8 {
				j := bytes.IndexByte(b[i:], '<')
				if j < 0 {
					return -1
				}
				i += j
				break
			}
		}
		if i > len(b)-4 {
			return i // near the end: let the slow path check each byte
		}
		name := i + 1
		switch c, c2 := b[i+1], b[i+2]; after[c] {
		case afterText:
			i++
			continue
		case afterLetter:
			if p.start[c]>>(c2&63)&1 != 0 {
				return i
			}
		case afterSlash:
			if p.end[c2]>>(b[i+3]&63)&1 != 0 {
				return i
			}
			name++
		default:
			return i
		}
		// A byte at a time: tags are short, and predicted branches let the
		// processor run ahead, where an offset computed eight bytes at a
		// time has it wait for the arithmetic (twice as slow here).
		j := name + 1
		for j < len(b) && !tagStops[b[j]] {
			j++
		}
		switch {
		case j >= len(b):
			return eofInTag
		case b[j] == '>':
			i = j + 1
		default:
			// A quote in the name opens nothing; one after it may.
			if i, _ = tagEnd(b, nameEnd(b, name)); i < 0 {
				return eofInTag
			}
		}
	}
}

// startTag reads the start tag whose name starts at s.i and skips the raw
// text it opens.
func (s *scanner) startTag() bool {
	b := s.b
	lt, outside := s.i-1, len(s.stack) == 0 // outside SVG and MathML
	n := nameEnd(b, s.i)
	end, self := tagEnd(b, n)
	if end < 0 {
		s.eofIn = "a tag"
		return false
	}
	t := lookup(b[s.i:n])
	attrs := b[n:end]
	s.i = end
	if s.foreign() {
		top := s.stack[len(s.stack)-1]
		switch {
		case t.breaksOut || t.el == elemFont && fontBreaksOut(attrs):
			for len(s.stack) > 0 && !s.stack[len(s.stack)-1].html {
				s.stack = s.stack[:len(s.stack)-1]
			}
		case self:
			return true
		case top.svg && (t.el == elemForeignObject || t.el == elemDesc || t.el == elemTitle),
			!top.svg && elemMI <= t.el && t.el <= elemMText,
			!top.svg && t.el == elemAnnotationXML && htmlEncoding(attrs):
			s.stack = append(s.stack, frame{el: t.el, svg: top.svg, html: true, templates: s.templates})
			return true
		case t.el == elemSVG || t.el == elemMath:
			s.stack = append(s.stack, frame{el: t.el, svg: t.el == elemSVG, templates: s.templates})
			return true
		default:
			return true
		}
	}
	switch t.el {
	case elemHTML:
		s.doc = true
	case elemBody:
		s.doc = true
		if s.templates == 0 {
			s.inBody = true
			if outside && !s.toEnd {
				s.bodyStart = lt
				return false // the head is over: see scan
			}
		}
	case elemMeta:
		if !s.inBody && s.templates == 0 {
			s.metaTag(attrs)
		}
	case elemTemplate:
		s.templates++
	case elemSVG, elemMath:
		if !self {
			s.stack = append(s.stack, frame{el: t.el, svg: t.el == elemSVG, templates: s.templates})
		}
	case elemScript:
		return s.rawText(scriptEnd(b, s.i), t.el)
	case elemStyle, elemXMP, elemIframe, elemNoembed, elemNoframes, elemNoscript, elemTitle, elemTextarea:
		return s.rawText(rawEnd(b, s.i, elemNames[t.el]), t.el)
	case elemPlaintext:
		s.eofIn = "<plaintext>"
		return false
	}
	if k := len(s.stack) - 1; k >= 0 && s.stack[k].html && t.el != elemSVG && t.el != elemMath && !t.void {
		s.stack[k].open++
	}
	return true
}

// rawText moves past the raw text of element el that ends at the end tag
// at lt (-1: at EOF) and reads that end tag.
func (s *scanner) rawText(lt int, el elem) bool {
	if lt < 0 {
		s.eofIn = "<" + elemNames[el] + ">"
		return false
	}
	s.i = lt + 1
	return s.endTag(lt)
}

// endTag reads what starts with "</" at lt.
func (s *scanner) endTag(lt int) bool {
	b := s.b
	i := lt + 2
	switch {
	case i >= len(b):
		s.eofIn = "an unfinished tag" // text, but a tag after it would not be one
		return false
	case b[i] == '>':
		s.i = i + 1 // "</>" is nothing
		return true
	case !isAlpha(b[i]):
		return s.bogusComment(i)
	}
	n := nameEnd(b, i)
	end, _ := tagEnd(b, n)
	if end < 0 {
		s.eofIn = "a tag"
		return false
	}
	s.i = end
	el := lookup(b[i:n]).el
	if len(s.stack) > 0 {
		if s.foreign() && (el == elemBR || el == elemP) {
			for len(s.stack) > 0 && !s.stack[len(s.stack)-1].html {
				s.stack = s.stack[:len(s.stack)-1]
			}
		}
		matched := false
		for k := len(s.stack) - 1; k >= 0 && !matched; k-- {
			if matched = s.stack[k].el == el; matched { // a frame's el is never elemOther
				s.stack = s.stack[:k]
			}
		}
		if k := len(s.stack) - 1; !matched && k >= 0 && s.stack[k].html && s.stack[k].open > 0 {
			s.stack[k].open--
		}
	}
	// In SVG or MathML these end tags reach the HTML elements too.
	switch el {
	case elemTemplate:
		if s.templates > 0 {
			s.templates--
			for len(s.stack) > 0 && s.stack[len(s.stack)-1].templates > s.templates {
				s.stack = s.stack[:len(s.stack)-1]
			}
		}
	case elemHead:
		if s.templates == 0 && len(s.stack) == 0 && s.headEnd < 0 {
			s.doc, s.headEnd = true, lt
		}
	case elemBody:
		if s.templates == 0 {
			s.doc, s.inBody = true, true
			if s.bodyEnd < 0 {
				s.bodyEnd, s.bodyEndForeign = lt, len(s.stack) > 0
			}
		}
	case elemHTML:
		if s.templates == 0 {
			s.doc, s.inBody = true, true
			if s.htmlEnd < 0 {
				s.htmlEnd, s.htmlEndForeign = lt, len(s.stack) > 0
			}
			s.lastHTMLEnd = end
		}
	}
	return true
}

// markup reads what starts with "<!" (s.i is at the '!').
func (s *scanner) markup() bool {
	b := s.b
	i := s.i + 1
	switch {
	case hasPrefix(b[i:], "--"):
		end := commentEnd(b, i+2)
		if end < 0 {
			s.eofIn = "a comment"
			return false
		}
		s.i = end
		return true
	case hasFoldPrefix(b[i:], "doctype"):
		gt := bytes.IndexByte(b[i:], '>')
		if gt < 0 {
			s.eofIn = "a doctype"
			return false
		}
		s.doc = true
		s.i = i + gt + 1
		return true
	case s.cdata() && hasPrefix(b[i:], "[CDATA["):
		e := bytes.Index(b[i+7:], []byte("]]>"))
		if e < 0 {
			s.eofIn = "a CDATA section"
			return false
		}
		s.i = i + 7 + e + 3
		return true
	}
	return s.bogusComment(i)
}

// bogusComment skips a comment that runs from i to the next '>'.
func (s *scanner) bogusComment(i int) bool {
	gt := bytes.IndexByte(s.b[i:], '>')
	if gt < 0 {
		s.eofIn = "a comment"
		return false
	}
	s.i = i + gt + 1
	return true
}

// metaTag records a <meta http-equiv="Content-Security-Policy"> tag whose
// attributes are attrs.
func (s *scanner) metaTag(attrs []byte) {
	var csp bool
	var value []byte
	start := -1
	eachAttr(attrs, func(name, raw []byte, at int) {
		switch {
		case equalFold(name, "http-equiv"):
			csp = equalFold(unquote(raw), "content-security-policy")
		case equalFold(name, "content") && start < 0:
			value, start = raw, at
		}
	})
	if !csp || start < 0 {
		return
	}
	off := s.i - len(attrs) // attrs ends where the tag does
	s.meta = append(s.meta, metaCSP{
		start:   off + start,
		end:     off + start + len(value),
		content: html.UnescapeString(string(unquote(value))),
	})
}

// commentEnd returns the offset just past the end of a comment whose text
// starts at i (after "<!--"), or -1 when it does not end: at "-->" or
// "--!>", or at once for "<!-->" and "<!--->".
func commentEnd(b []byte, i int) int {
	if hasPrefix(b[i:], ">") {
		return i + 1
	}
	if hasPrefix(b[i:], "->") {
		return i + 2
	}
	for {
		j := bytes.Index(b[i:], []byte("--"))
		if j < 0 {
			return -1
		}
		p := i + j + 2
		for p < len(b) && b[p] == '-' {
			p++
		}
		switch {
		case hasPrefix(b[p:], ">"):
			return p + 1
		case hasPrefix(b[p:], "!>"):
			return p + 2
		}
		i = p
	}
}

// elem is an element scan treats as itself; elemOther is any other.
type elem uint8

const (
	elemOther elem = iota
	elemHTML
	elemBody
	elemMeta
	elemTemplate
	elemSVG
	elemMath
	elemScript
	elemStyle
	elemXMP
	elemIframe
	elemNoembed
	elemNoframes
	elemNoscript
	elemTitle
	elemTextarea
	elemPlaintext
	elemForeignObject
	elemDesc
	elemMI // elemMI to elemMText: MathML text integration points
	elemMO
	elemMN
	elemMS
	elemMText
	elemAnnotationXML
	elemBR
	elemP
	elemFont
	elemHead
	elemCount
)

// elemNames are the elements' names, in lower case.
var elemNames = [elemCount]string{"", "html", "body", "meta", "template", "svg", "math", "script", "style", "xmp",
	"iframe", "noembed", "noframes", "noscript", "title", "textarea", "plaintext", "foreignobject", "desc",
	"mi", "mo", "mn", "ms", "mtext", "annotation-xml", "br", "p", "font", "head"}

// tag is what scan knows of a tag name.
type tag struct {
	el        elem
	breaksOut bool // a start tag that leaves SVG or MathML content, as the standard's rules for foreign content say
	void      bool // an HTML element with no end tag, so that it does not stay open
}

var (
	breakingOut = []string{"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
		"nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table",
		"tt", "u", "ul", "var"}
	voids = []string{"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "keygen", "param"}
)

// tags holds what scan knows of the names in elemNames, breakingOut and
// voids: a hash table keyed by a name's first eight bytes (packed
// little-endian, in lower case) and its length.
var tags [256]struct {
	key  uint64
	name string
	n    uint8
	tag  tag
}

// lookup is what scan knows of the tag name name, in any case.
func lookup(name []byte) tag {
	key := pack(name)
	for h := slot(key); ; h = (h + 1) % len(tags) {
		switch e := &tags[h]; {
		case e.n == 0:
			return tag{}
		case e.key == key && int(e.n) == len(name) && (len(name) <= 8 || equalFold(name, e.name)):
			return e.tag
		}
	}
}

// pack is the ASCII lower case of the first eight bytes of name as a
// uint64.
func pack(name []byte) uint64 {
	var key uint64
	for i, c := range name[:min(len(name), 8)] {
		key |= uint64(lowerCase[c]) << (8 * i)
	}
	return key
}

func slot(key uint64) int { return int(key * 0x9e3779b97f4a7c15 >> (64 - 8)) } // a Fibonacci hash

// lowerCase maps each byte to its ASCII lower case.
var lowerCase = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] += 'a' - 'A'
		}
	}
	return t
}()

// pairs says which tags skim must stop at, by the first two bytes of
// their names: start[c] has a bit d&63 for each byte d that may follow c in
// the name of a start tag that may change something, end[c] the same for
// end tags. Other bytes share those bits, so a few more tags than need to
// stop do; "</" followed by anything but a letter always stops.
type pairs struct{ start, end [256]uint64 }

// htmlPairs is for HTML content, foreignPairs for SVG and MathML.
var htmlPairs, foreignPairs pairs

// after classifies the byte after a '<' for skim.
var after [256]uint8

const (
	afterText   = iota // the '<' is text
	afterLetter        // a start tag
	afterSlash         // an end tag, "</>" or a bogus comment
	afterMarkup        // "<!" or "<?"
)

func init() {
	// A binary built with -tags nodebugtoolbar links this package's
	// initialisers and nothing else of it (TestNodebugtoolbarLinksNoToolbar
	// checks): learn is a closure, and pack and slot are inlined.
	learn := func(name string) *tag { // the entry lookup finds for name, added if new
		key := pack([]byte(name))
		for h := slot(key); ; h = (h + 1) % len(tags) {
			switch e := &tags[h]; {
			case e.n == 0:
				e.key, e.n, e.name = key, uint8(len(name)), name
				return &e.tag
			case e.name == name:
				return &e.tag
			}
		}
	}
	for el := elemHTML; el < elemCount; el++ {
		learn(elemNames[el]).el = el
	}
	for _, name := range breakingOut {
		learn(name).breaksOut = true
	}
	for _, name := range voids {
		learn(name).void = true
	}

	for c := 'a'; c <= 'z'; c++ {
		after[c], after[c-'a'+'A'] = afterLetter, afterLetter
	}
	after['/'], after['!'], after['?'] = afterSlash, afterMarkup, afterMarkup
	add := func(t *[256]uint64, names ...string) {
		for _, name := range names {
			second := []byte{' ', '\t', '\n', '\f', '\r', '/', '>'} // a name of one letter
			if len(name) > 1 {
				second = []byte{name[1], upper(name[1])}
			}
			for _, d := range second {
				t[name[0]] |= 1 << (d & 63)
				t[upper(name[0])] |= 1 << (d & 63)
			}
		}
	}
	for _, p := range []*pairs{&htmlPairs, &foreignPairs} {
		for c := range p.end {
			if after[c] != afterLetter {
				p.end[c] = ^uint64(0)
			}
		}
	}
	// The start tags startTag looks at in HTML content, and the end tags
	// endTag looks at outside SVG and MathML.
	add(&htmlPairs.start, "html", "body", "meta", "template", "svg", "math", "script", "style", "xmp",
		"iframe", "noembed", "noframes", "noscript", "title", "textarea", "plaintext")
	add(&htmlPairs.end, "head", "body", "html", "template")
	// Those it looks at in foreign content: what leaves it, integration
	// points, and what a frame may be named.
	add(&foreignPairs.start, breakingOut...)
	add(&foreignPairs.start, "font", "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "svg", "math")
	add(&foreignPairs.end, "svg", "math", "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
		"br", "p", "template", "body", "html")
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// indexLT is the offset of the first '<' at or after i, or -1.
func indexLT(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '<'); j >= 0 {
		return i + j
	}
	return -1
}

// nameEnd is the offset of the end of a tag name that starts at i.
func nameEnd(b []byte, i int) int {
	for i < len(b) && !nameEnds[b[i]] {
		i++
	}
	return i
}

var (
	spaces       = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true}
	nameEnds     = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true}
	attrNameEnds = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true, '=': true}
	tagStops     = [256]bool{'>': true, '"': true, '\'': true}
	attrStops    = [256]bool{'>': true, '"': true, '\'': true, '=': true}
)

// tagEnd returns the offset just past the '>' that ends a tag whose
// attributes start at i, or -1 when the tag does not end, and whether it is
// self-closing. Only quoted attribute values can hide a '>', and only a '/'
// right before it can make the tag self-closing.
//
// It reads attributes the way they are mostly written, name=value, hopping
// over quoted values, and leaves anything else to attrsEnd. From where a
// name may start (after the tag name or a value) to the first '=', quote or
// '>', there are only names, spaces and '/'s; so a '=' right after a byte
// of a name (not a space or '/') ends that name, a quote right after that
// '=' opens a value, and any other byte but a space or '>' starts an
// unquoted value, which runs to a space or '>'.
func tagEnd(b []byte, i int) (end int, self bool) {
	for from, j := i, i; ; {
		for j < len(b) && !attrStops[b[j]] {
			j++
		}
		switch {
		case j >= len(b):
			return -1, false
		case b[j] == '>':
			return j + 1, j > from && b[j-1] == '/'
		case b[j] != '=' || j == from || spaces[b[j-1]] || b[j-1] == '/' || j+1 >= len(b):
			return attrsEnd(b, i, nil)
		}
		switch c := b[j+1]; {
		case c == '"' || c == '\'':
			if j = valueEnd(b, j+2, c); j < 0 {
				return -1, false
			}
		case c == '>':
			return j + 2, false // a missing value
		case spaces[c]:
			return attrsEnd(b, i, nil)
		default:
			for j++; j < len(b) && !spaces[b[j]] && b[j] != '>'; j++ {
			}
		}
		from = j
	}
}

// attrsEnd runs the tokenizer's attribute states from i, calling attr (when
// not nil) for each attribute with its name, its value as written (quotes
// included; nil when it has none) and the value's offset from i.
func attrsEnd(b []byte, i int, attr func(name, raw []byte, at int)) (end int, self bool) {
	start := i
	for i < len(b) {
		// before attribute name
		switch c := b[i]; {
		case spaces[c]:
			i++
			continue
		case c == '/':
			if i+1 < len(b) && b[i+1] == '>' {
				return i + 2, true
			}
			i++
			continue
		case c == '>':
			return i + 1, false
		}
		// attribute name: the first character may be '='
		n := i + 1
		for n < len(b) && !attrNameEnds[b[n]] {
			n++
		}
		name := b[i:n]
		i = n
		for i < len(b) && spaces[b[i]] {
			i++
		}
		if i >= len(b) || b[i] != '=' {
			if attr != nil {
				attr(name, nil, i-start)
			}
			continue // after attribute name: '/', '>' or a new name
		}
		i++
		for i < len(b) && spaces[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		v := i
		switch c := b[i]; c {
		case '"', '\'':
			if i = valueEnd(b, i+1, c); i < 0 {
				return -1, false
			}
		case '>':
			if attr != nil {
				attr(name, nil, i-start)
			}
			return i + 1, false // a missing value
		default:
			for i < len(b) && !spaces[b[i]] && b[i] != '>' {
				i++
			}
		}
		if attr != nil {
			attr(name, b[v:i], v-start)
		}
	}
	return -1, false
}

// valueEnd returns the offset just past the quote q that ends an
// attribute value starting at i, or -1.
func valueEnd(b []byte, i int, q byte) int {
	if j := bytes.IndexByte(b[i:], q); j >= 0 {
		return i + j + 1
	}
	return -1
}

// eachAttr calls f for each attribute of a tag whose attributes are attrs.
func eachAttr(attrs []byte, f func(name, raw []byte, at int)) { attrsEnd(attrs, 0, f) }

// unquote is an attribute value as written without its quotes.
func unquote(raw []byte) []byte {
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') {
		return raw[1 : len(raw)-1]
	}
	return raw
}

// scriptEnd returns the offset of the "</script" that ends script data
// starting at i, or -1, following the standard's script data states: after
// "<!--", a "<script" starts a double-escaped part in which "</script" does
// not end the script until "-->" or "</script" again.
func scriptEnd(b []byte, i int) int {
	const (
		data = iota
		escaped
		escapedDash
		escapedDashDash
		double
		doubleDash
		doubleDashDash
	)
	st := data
	for i < len(b) {
		switch st {
		case data:
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 || i+j+1 >= len(b) {
				return -1
			}
			i += j
			switch b[i+1] {
			case '/':
				if isEndTag(b, i, "script") {
					return i
				}
			case '!':
				if hasPrefix(b[i+2:], "--") {
					i += 4
					st = escapedDashDash
					continue
				}
			}
			i++
			continue
		case escaped, double:
			// Only a '-' or a '<' leaves these states.
			for i < len(b) && b[i] != '-' && b[i] != '<' {
				i++
			}
			if i >= len(b) {
				return -1
			}
		}
		c := b[i]
		switch st {
		case escaped, escapedDash, escapedDashDash:
			switch {
			case c == '-':
				st = min(st+1, escapedDashDash)
			case c == '<':
				if isEndTag(b, i, "script") {
					return i
				}
				st = escaped
				if hasFoldPrefix(b[i+1:], "script") && i+7 < len(b) && isTagDelim(b[i+7]) {
					st = double
					i += 7
				}
			case c == '>' && st == escapedDashDash:
				st = data
			default:
				st = escaped
			}
		default: // double escaped
			switch {
			case c == '-':
				st = min(st+1, doubleDashDash)
			case c == '<':
				st = double
				if hasPrefix(b[i+1:], "/") && hasFoldPrefix(b[i+2:], "script") && i+8 < len(b) && isTagDelim(b[i+8]) {
					st = escaped
					i += 8
				}
			case c == '>' && st == doubleDashDash:
				st = data
			default:
				st = double
			}
		}
		i++
	}
	return -1
}

// rawEnd returns the offset of the first "</name" end tag at or after i, or
// -1: how RAWTEXT and RCDATA end.
func rawEnd(b []byte, i int, name string) int {
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if isEndTag(b, i, name) {
			return i
		}
		i++
	}
}

// isEndTag reports whether b[i:] starts with "</name" followed by
// whitespace, '/' or '>' (an "appropriate end tag").
func isEndTag(b []byte, i int, name string) bool {
	k := i + 2 + len(name)
	return k < len(b) && b[i+1] == '/' && hasFoldPrefix(b[i+2:], name) && isTagDelim(b[k])
}

// fontBreaksOut reports whether a <font> start tag with attributes attrs
// leaves SVG or MathML content.
func fontBreaksOut(attrs []byte) bool {
	out := false
	eachAttr(attrs, func(name, _ []byte, _ int) {
		out = out || equalFold(name, "color") || equalFold(name, "face") || equalFold(name, "size")
	})
	return out
}

// htmlEncoding reports whether an <annotation-xml> says its content is HTML.
func htmlEncoding(attrs []byte) bool {
	ok := false
	eachAttr(attrs, func(name, raw []byte, _ int) {
		if equalFold(name, "encoding") {
			v := unquote(raw)
			ok = equalFold(v, "text/html") || equalFold(v, "application/xhtml+xml")
		}
	})
	return ok
}

// onlyComments reports whether b holds nothing but whitespace and comments.
func onlyComments(b []byte) bool {
	for i := 0; i < len(b); {
		switch {
		case spaces[b[i]]:
			i++
		case hasPrefix(b[i:], "<!--"):
			if i = commentEnd(b, i+4); i < 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isTagDelim ends the name of an appropriate end tag.
func isTagDelim(c byte) bool { return nameEnds[c] }

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// hasFoldPrefix is hasPrefix, ASCII case-insensitive, for a lower-case p.
func hasFoldPrefix(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

func equalFold(b []byte, s string) bool { return len(b) == len(s) && hasFoldPrefix(b, s) }
