package respwriter

import (
	"bytes"
	"encoding/binary"
	"html"
	"math/bits"
)

// layout is what one pass of an HTML tokenizer finds in a page: where the
// body really ends, whether the page is a whole document, and the
// Content-Security-Policy its head declares.
type layout struct {
	// at is where the snippet goes: before the first real </body> end tag,
	// else before the first real </html>, else at the end of a document that
	// omits both; -1 when nowhere, and why says why.
	at  int
	why string
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
// decides where the body ends: comments (including <!-->, --!> and bogus
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
// tag, or a real </body> or </html> end tag; anything else is a fragment (an
// htmx partial, say), which gets nothing.
func scan(b []byte) layout {
	s := scanner{b: b, bodyEnd: -1, htmlEnd: -1, lastHTMLEnd: -1}
	s.run()
	l := layout{at: -1, meta: s.meta}
	switch {
	case s.bodyEnd >= 0:
		l.at = s.bodyEnd
	case s.htmlEnd >= 0:
		l.at = s.htmlEnd
	case !s.doc:
		l.why = "fragment (no <html>, <body> or doctype)"
	case s.eofIn != "":
		l.why = "the page ends inside " + s.eofIn
	case s.templates > 0:
		l.why = "the page ends inside <template>"
	default:
		l.at = len(b)
	}
	l.complete = s.eofIn == "" && s.templates == 0 && s.lastHTMLEnd >= 0 && onlyComments(b[s.lastHTMLEnd:])
	return l
}

// frame is an open <svg> or <math> element, or an HTML integration point in
// one (<foreignObject>, <desc>, <title> in SVG; <mi>, <mo>, <mn>, <ms>,
// <mtext>, <annotation-xml encoding="text/html"> in MathML), inside which
// content is HTML again.
type frame struct {
	name      string // lower case
	svg       bool   // in SVG, else in MathML
	html      bool   // an HTML integration point
	open      int    // HTML elements open in an integration point
	templates int    // the <template> depth it was opened at
}

type scanner struct {
	b         []byte
	i         int
	doc       bool // a doctype, <html>, <body>, </body> or </html> seen
	inBody    bool // a <body> start tag or a real </body> seen: no more head
	templates int  // open <template> elements
	stack     []frame

	bodyEnd, htmlEnd int // offsets of the first real </body> and </html>
	lastHTMLEnd      int // just after the last real </html>
	eofIn            string
	meta             []metaCSP
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
		lt := indexLT(b, i)
		if lt < 0 {
			return
		}
		i = lt + 1
		if i >= len(b) {
			return // a '<' at the end is text
		}
		c := b[i]
		if len(s.stack) == 0 {
			// Most tags are nothing to scan: skip them at once.
			start, lengths := i, &mayStart
			if c == '/' && i+1 < len(b) {
				start, lengths = i+1, &mayEnd
			}
			if n := nameEnd(b, start); isAlpha(b[start]) && lengths[b[start]]&(1<<min(n-start, 15)) == 0 {
				if i, _ = tagEnd(b, n); i < 0 {
					s.eofIn = "a tag"
					return
				}
				continue
			}
		}
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

// startTag reads the start tag whose name starts at s.i and skips the raw
// text it opens.
func (s *scanner) startTag() bool {
	b := s.b
	n := nameEnd(b, s.i)
	end, self := tagEnd(b, n)
	if end < 0 {
		s.eofIn = "a tag"
		return false
	}
	foreign := s.foreign()
	var low [16]byte
	name := lower(&low, b[s.i:n])
	attrs := b[n:end]
	s.i = end
	if foreign {
		top := s.stack[len(s.stack)-1]
		switch {
		case breaksOut(name, attrs):
			for len(s.stack) > 0 && !s.stack[len(s.stack)-1].html {
				s.stack = s.stack[:len(s.stack)-1]
			}
		case self:
			return true
		case top.svg && (name == "foreignobject" || name == "desc" || name == "title"),
			!top.svg && (name == "mi" || name == "mo" || name == "mn" || name == "ms" || name == "mtext"),
			!top.svg && name == "annotation-xml" && htmlEncoding(attrs):
			s.stack = append(s.stack, frame{name: intern(name), svg: top.svg, html: true, templates: s.templates})
			return true
		case name == "svg" || name == "math":
			s.stack = append(s.stack, frame{name: intern(name), svg: name == "svg", templates: s.templates})
			return true
		default:
			return true
		}
	}
	switch name {
	case "html":
		s.doc = true
	case "body":
		s.doc = true
		if s.templates == 0 {
			s.inBody = true
		}
	case "meta":
		if !s.inBody && s.templates == 0 {
			s.metaTag(b[n:end])
		}
	case "template":
		s.templates++
	case "svg", "math":
		if !self {
			s.stack = append(s.stack, frame{name: intern(name), svg: name == "svg", templates: s.templates})
		}
	case "script":
		return s.rawText(scriptEnd(b, s.i), "script")
	case "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title", "textarea":
		return s.rawText(rawEnd(b, s.i, name), name)
	case "plaintext":
		s.eofIn = "<plaintext>"
		return false
	}
	if k := len(s.stack) - 1; k >= 0 && s.stack[k].html && name != "svg" && name != "math" && !isVoid(name) {
		s.stack[k].open++
	}
	return true
}

// isVoid reports whether an HTML element has no end tag, so that it does
// not stay open.
func isVoid(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "keygen", "param":
		return true
	}
	return false
}

// rawText moves past the raw text of the element name that ends at the end
// tag at lt (-1: at EOF) and reads that end tag.
func (s *scanner) rawText(lt int, name string) bool {
	if lt < 0 {
		s.eofIn = "<" + name + ">"
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
	var low [16]byte
	name := lower(&low, b[i:n])
	if len(s.stack) > 0 {
		if s.foreign() && (name == "br" || name == "p") {
			for len(s.stack) > 0 && !s.stack[len(s.stack)-1].html {
				s.stack = s.stack[:len(s.stack)-1]
			}
		}
		matched := false
		for k := len(s.stack) - 1; k >= 0 && !matched; k-- {
			if matched = s.stack[k].name == name; matched {
				s.stack = s.stack[:k]
			}
		}
		if k := len(s.stack) - 1; !matched && k >= 0 && s.stack[k].html && s.stack[k].open > 0 {
			s.stack[k].open--
		}
	}
	// In SVG or MathML these end tags reach the HTML elements too.
	switch name {
	case "template":
		if s.templates > 0 {
			s.templates--
			for len(s.stack) > 0 && s.stack[len(s.stack)-1].templates > s.templates {
				s.stack = s.stack[:len(s.stack)-1]
			}
		}
	case "body":
		if s.templates == 0 {
			s.doc, s.inBody = true, true
			if s.bodyEnd < 0 {
				s.bodyEnd = lt
			}
		}
	case "html":
		if s.templates == 0 {
			s.doc, s.inBody = true, true
			if s.htmlEnd < 0 {
				s.htmlEnd = lt
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

// mayStart has, for each first letter, a bit for each length of the names
// of the start tags scan looks at in HTML content; mayEnd the same for end
// tags.
var mayStart, mayEnd [256]uint16

func init() {
	for _, name := range []string{"html", "body", "meta", "template", "svg", "math", "script", "style", "xmp",
		"iframe", "noembed", "noframes", "noscript", "title", "textarea", "plaintext"} {
		mayStart[name[0]] |= 1 << len(name)
		mayStart[name[0]-'a'+'A'] |= 1 << len(name)
	}
	for _, name := range []string{"body", "html", "template"} {
		mayEnd[name[0]] |= 1 << len(name)
		mayEnd[name[0]-'a'+'A'] |= 1 << len(name)
	}
}

// indexLT is the offset of the first '<' at or after i, or -1.
func indexLT(b []byte, i int) int { return indexByte(b, i, '<') }

// indexByte is the offset of the first c at or after i, or -1. Tags and
// attribute values are short: eight bytes at a time find the next one
// sooner than a call to bytes.IndexByte, which takes over for long text.
func indexByte(b []byte, i int, c byte) int {
	for end := i + 64; i+8 <= len(b); i += 8 {
		if m := hasByte(binary.LittleEndian.Uint64(b[i:]), c); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		if i >= end {
			if j := bytes.IndexByte(b[i:], c); j >= 0 {
				return i + j
			}
			return -1
		}
	}
	for ; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// hasByte has the high bit of the first byte of x that is c set (and
// maybe of bytes after it): SWAR, a byte per lane.
func hasByte(x uint64, c byte) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	y := x ^ (lo * uint64(c))
	return (y - lo) &^ y & hi
}

// nameEnd is the offset of the end of a tag name that starts at i.
func nameEnd(b []byte, i int) int {
	for i < len(b) && !nameEnds[b[i]] {
		i++
	}
	return i
}

var attrNameEnds = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true, '=': true}

var nameEnds = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true}

// tagEnd returns the offset just past the '>' that ends a tag whose
// attributes start at i, or -1 when the tag does not end, and whether it is
// self-closing. Only quoted attribute values can hide a '>', and only a '/'
// right before it can make the tag self-closing.
func tagEnd(b []byte, i int) (end int, self bool) {
	j := i
	for {
		if j+8 > len(b) {
			for ; j < len(b) && b[j] != '>' && b[j] != '"' && b[j] != '\''; j++ {
			}
			if j >= len(b) {
				return -1, false
			}
			break
		}
		x := binary.LittleEndian.Uint64(b[j:])
		if m := hasByte(x, '>') | hasByte(x, '"') | hasByte(x, '\''); m != 0 {
			j += bits.TrailingZeros64(m) / 8
			break
		}
		j += 8
	}
	if b[j] == '>' && (j == i || b[j-1] != '/') {
		return j + 1, false
	}
	return attrsEnd(b, i, nil)
}

// attrsEnd runs the tokenizer's attribute states from i, calling attr (when
// not nil) for each attribute with its name, its value as written (quotes
// included; nil when it has none) and the value's offset from i.
func attrsEnd(b []byte, i int, attr func(name, raw []byte, at int)) (end int, self bool) {
	start := i
	for i < len(b) {
		// before attribute name
		switch c := b[i]; {
		case isSpace(c):
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
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) || b[i] != '=' {
			if attr != nil {
				attr(name, nil, i-start)
			}
			continue // after attribute name: '/', '>' or a new name
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			break
		}
		v := i
		switch c := b[i]; c {
		case '"', '\'':
			if i = indexByte(b, i+1, c); i < 0 {
				return -1, false
			}
			i++
		case '>':
			if attr != nil {
				attr(name, nil, i-start)
			}
			return i + 1, false // a missing value
		default:
			for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
				i++
			}
		}
		if attr != nil {
			attr(name, b[v:i], v-start)
		}
	}
	return -1, false
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
		if st == data {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				return -1
			}
			i += j
			switch {
			case isEndTag(b, i, "script"):
				return i
			case hasPrefix(b[i+1:], "!--"):
				i += 4
				st = escapedDashDash
			default:
				i++
			}
			continue
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

// breaksOut reports whether a start tag leaves SVG or MathML content, as
// the standard's rules for foreign content say.
func breaksOut(name string, attrs []byte) bool {
	switch name {
	case "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
		"nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table",
		"tt", "u", "ul", "var":
		return true
	case "font":
		out := false
		eachAttr(attrs, func(name, _ []byte, _ int) {
			out = out || equalFold(name, "color") || equalFold(name, "face") || equalFold(name, "size")
		})
		return out
	}
	return false
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
		case isSpace(b[i]):
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

// intern is one of the names a frame holds, as a constant, so that the
// names scan reads from the page need no allocation.
func intern(name string) string {
	for _, n := range [...]string{"svg", "math", "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml"} {
		if n == name {
			return n
		}
	}
	return ""
}

// lower is name in ASCII lower case, in buf; "" when it is longer than any
// name scan looks for.
func lower(buf *[16]byte, name []byte) string {
	if len(name) > len(buf) {
		return ""
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return string(buf[:len(name)])
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isSpace is the tokenizer's whitespace (a '\r' is a newline to it).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// isNameEnd ends a tag name.
func isNameEnd(c byte) bool { return isSpace(c) || c == '/' || c == '>' }

// isTagDelim ends the name of an appropriate end tag.
func isTagDelim(c byte) bool { return isNameEnd(c) }

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
