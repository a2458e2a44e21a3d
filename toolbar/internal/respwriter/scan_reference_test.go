package respwriter

import (
	"bytes"
	"html"
)

// scanRef is scan without its shortcuts, as scan was before skim: each
// tag read in full, a state at a time, its name compared as a string.
// FuzzScan and TestScanMatchesReference check that scan finds what scanRef
// finds; a change to what scan finds is made to both.
func scanRef(b []byte, toEnd bool) layout {
	s := scannerRef{b: b, toEnd: toEnd, headEnd: -1, bodyStart: -1, bodyEnd: -1, htmlEnd: -1, lastHTMLEnd: -1}
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
	l.complete = !l.early && s.eofIn == "" && s.templates == 0 && s.lastHTMLEnd >= 0 && onlyCommentsRef(b[s.lastHTMLEnd:])
	return l
}

// frameRef is an open <svg> or <math> element, or an HTML integration point in
// one (<foreignObject>, <desc>, <title> in SVG; <mi>, <mo>, <mn>, <ms>,
// <mtext>, <annotation-xml encoding="text/html"> in MathML), inside which
// content is HTML again.
type frameRef struct {
	name      string // lower case
	svg       bool   // in SVG, else in MathML
	html      bool   // an HTML integration point
	open      int    // HTML elements open in an integration point
	templates int    // the <template> depth it was opened at
}

type scannerRef struct {
	b         []byte
	toEnd     bool
	i         int
	doc       bool // a doctype, <html>, <body>, </body> or </html> seen
	inBody    bool // a <body> start tag or a real </body> seen: no more head
	templates int  // open <template> elements
	stack     []frameRef

	headEnd, bodyStart int // offsets of the first real </head> and <body>
	bodyEnd, htmlEnd   int // offsets of the first real </body> and </html>
	bodyEndForeign     bool
	htmlEndForeign     bool
	lastHTMLEnd        int // just after the last real </html>
	eofIn              string
	meta               []metaCSP
}

// foreign reports whether the tokenizer is in SVG or MathML content, where
// <script> and <style> are not raw text.
func (s *scannerRef) foreign() bool {
	return len(s.stack) > 0 && !s.stack[len(s.stack)-1].html
}

// cdata reports whether the current node is an SVG or MathML element,
// which makes "<![CDATA[" a CDATA section: in foreign content, and in an
// integration point until an HTML element opens in it.
func (s *scannerRef) cdata() bool {
	return len(s.stack) > 0 && (!s.stack[len(s.stack)-1].html || s.stack[len(s.stack)-1].open == 0)
}

func (s *scannerRef) run() {
	b := s.b
	for i := s.i; ; {
		lt := indexLTRef(b, i)
		if lt < 0 {
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
		case isAlphaRef(c):
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
func (s *scannerRef) startTag() bool {
	b := s.b
	n := nameEndRef(b, s.i)
	end, self := tagEndRef(b, n)
	if end < 0 {
		s.eofIn = "a tag"
		return false
	}
	lt, outside := s.i-1, len(s.stack) == 0
	foreign := s.foreign()
	var low [16]byte
	name := lowerRef(&low, b[s.i:n])
	attrs := b[n:end]
	s.i = end
	if foreign {
		top := s.stack[len(s.stack)-1]
		switch {
		case breaksOutRef(name, attrs):
			for len(s.stack) > 0 && !s.stack[len(s.stack)-1].html {
				s.stack = s.stack[:len(s.stack)-1]
			}
		case self:
			return true
		case top.svg && (name == "foreignobject" || name == "desc" || name == "title"),
			!top.svg && (name == "mi" || name == "mo" || name == "mn" || name == "ms" || name == "mtext"),
			!top.svg && name == "annotation-xml" && htmlEncodingRef(attrs):
			s.stack = append(s.stack, frameRef{name: internRef(name), svg: top.svg, html: true, templates: s.templates})
			return true
		case name == "svg" || name == "math":
			s.stack = append(s.stack, frameRef{name: internRef(name), svg: name == "svg", templates: s.templates})
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
			if outside && !s.toEnd {
				s.bodyStart = lt
				return false
			}
		}
	case "meta":
		if !s.inBody && s.templates == 0 {
			s.metaTag(b[n:end])
		}
	case "template":
		s.templates++
	case "svg", "math":
		if !self {
			s.stack = append(s.stack, frameRef{name: internRef(name), svg: name == "svg", templates: s.templates})
		}
	case "script":
		return s.rawText(scriptEndRef(b, s.i), "script")
	case "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title", "textarea":
		return s.rawText(rawEndRef(b, s.i, name), name)
	case "plaintext":
		s.eofIn = "<plaintext>"
		return false
	}
	if k := len(s.stack) - 1; k >= 0 && s.stack[k].html && name != "svg" && name != "math" && !isVoidRef(name) {
		s.stack[k].open++
	}
	return true
}

// isVoidRef reports whether an HTML element has no end tag, so that it does
// not stay open.
func isVoidRef(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "keygen", "param":
		return true
	}
	return false
}

// rawText moves past the raw text of the element name that ends at the end
// tag at lt (-1: at EOF) and reads that end tag.
func (s *scannerRef) rawText(lt int, name string) bool {
	if lt < 0 {
		s.eofIn = "<" + name + ">"
		return false
	}
	s.i = lt + 1
	return s.endTag(lt)
}

// endTag reads what starts with "</" at lt.
func (s *scannerRef) endTag(lt int) bool {
	b := s.b
	i := lt + 2
	switch {
	case i >= len(b):
		s.eofIn = "an unfinished tag" // text, but a tag after it would not be one
		return false
	case b[i] == '>':
		s.i = i + 1 // "</>" is nothing
		return true
	case !isAlphaRef(b[i]):
		return s.bogusComment(i)
	}
	n := nameEndRef(b, i)
	end, _ := tagEndRef(b, n)
	if end < 0 {
		s.eofIn = "a tag"
		return false
	}
	s.i = end
	var low [16]byte
	name := lowerRef(&low, b[i:n])
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
	case "head":
		if s.templates == 0 && len(s.stack) == 0 && s.headEnd < 0 {
			s.doc, s.headEnd = true, lt
		}
	case "body":
		if s.templates == 0 {
			s.doc, s.inBody = true, true
			if s.bodyEnd < 0 {
				s.bodyEnd, s.bodyEndForeign = lt, len(s.stack) > 0
			}
		}
	case "html":
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
func (s *scannerRef) markup() bool {
	b := s.b
	i := s.i + 1
	switch {
	case hasPrefixRef(b[i:], "--"):
		end := commentEndRef(b, i+2)
		if end < 0 {
			s.eofIn = "a comment"
			return false
		}
		s.i = end
		return true
	case hasFoldPrefixRef(b[i:], "doctype"):
		gt := bytes.IndexByte(b[i:], '>')
		if gt < 0 {
			s.eofIn = "a doctype"
			return false
		}
		s.doc = true
		s.i = i + gt + 1
		return true
	case s.cdata() && hasPrefixRef(b[i:], "[CDATA["):
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
func (s *scannerRef) bogusComment(i int) bool {
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
func (s *scannerRef) metaTag(attrs []byte) {
	var csp bool
	var value []byte
	start := -1
	eachAttrRef(attrs, func(name, raw []byte, at int) {
		switch {
		case equalFoldRef(name, "http-equiv"):
			csp = equalFoldRef(unquoteRef(raw), "content-security-policy")
		case equalFoldRef(name, "content") && start < 0:
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
		content: html.UnescapeString(string(unquoteRef(value))),
	})
}

// commentEndRef returns the offset just past the end of a comment whose text
// starts at i (after "<!--"), or -1 when it does not end: at "-->" or
// "--!>", or at once for "<!-->" and "<!--->".
func commentEndRef(b []byte, i int) int {
	if hasPrefixRef(b[i:], ">") {
		return i + 1
	}
	if hasPrefixRef(b[i:], "->") {
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
		case hasPrefixRef(b[p:], ">"):
			return p + 1
		case hasPrefixRef(b[p:], "!>"):
			return p + 2
		}
		i = p
	}
}

// indexLTRef is the offset of the first '<' at or after i, or -1.
func indexLTRef(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '<'); j >= 0 {
		return i + j
	}
	return -1
}

// nameEndRef is the offset of the end of a tag name that starts at i.
func nameEndRef(b []byte, i int) int {
	for i < len(b) && !nameEndsRef[b[i]] {
		i++
	}
	return i
}

var attrNameEndsRef = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true, '=': true}

var nameEndsRef = [256]bool{' ': true, '\t': true, '\n': true, '\f': true, '\r': true, '/': true, '>': true}

// tagEndRef returns the offset just past the '>' that ends a tag whose
// attributes start at i, or -1 when the tag does not end, and whether it is
// self-closing.
func tagEndRef(b []byte, i int) (end int, self bool) { return attrsEndRef(b, i, nil) }

// attrsEndRef runs the tokenizer's attribute states from i, calling attr (when
// not nil) for each attribute with its name, its value as written (quotes
// included; nil when it has none) and the value's offset from i.
func attrsEndRef(b []byte, i int, attr func(name, raw []byte, at int)) (end int, self bool) {
	start := i
	for i < len(b) {
		// before attribute name
		switch c := b[i]; {
		case isSpaceRef(c):
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
		for n < len(b) && !attrNameEndsRef[b[n]] {
			n++
		}
		name := b[i:n]
		i = n
		for i < len(b) && isSpaceRef(b[i]) {
			i++
		}
		if i >= len(b) || b[i] != '=' {
			if attr != nil {
				attr(name, nil, i-start)
			}
			continue // after attribute name: '/', '>' or a new name
		}
		i++
		for i < len(b) && isSpaceRef(b[i]) {
			i++
		}
		if i >= len(b) {
			break
		}
		v := i
		switch c := b[i]; c {
		case '"', '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 {
				return -1, false
			}
			i += j + 2
		case '>':
			if attr != nil {
				attr(name, nil, i-start)
			}
			return i + 1, false // a missing value
		default:
			for i < len(b) && !isSpaceRef(b[i]) && b[i] != '>' {
				i++
			}
		}
		if attr != nil {
			attr(name, b[v:i], v-start)
		}
	}
	return -1, false
}

// eachAttrRef calls f for each attribute of a tag whose attributes are attrs.
func eachAttrRef(attrs []byte, f func(name, raw []byte, at int)) { attrsEndRef(attrs, 0, f) }

// unquoteRef is an attribute value as written without its quotes.
func unquoteRef(raw []byte) []byte {
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') {
		return raw[1 : len(raw)-1]
	}
	return raw
}

// scriptEndRef returns the offset of the "</script" that ends script data
// starting at i, or -1, following the standard's script data states: after
// "<!--", a "<script" starts a double-escaped part in which "</script" does
// not end the script until "-->" or "</script" again.
func scriptEndRef(b []byte, i int) int {
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
			case isEndTagRef(b, i, "script"):
				return i
			case hasPrefixRef(b[i+1:], "!--"):
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
				if isEndTagRef(b, i, "script") {
					return i
				}
				st = escaped
				if hasFoldPrefixRef(b[i+1:], "script") && i+7 < len(b) && isTagDelimRef(b[i+7]) {
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
				if hasPrefixRef(b[i+1:], "/") && hasFoldPrefixRef(b[i+2:], "script") && i+8 < len(b) && isTagDelimRef(b[i+8]) {
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

// rawEndRef returns the offset of the first "</name" end tag at or after i, or
// -1: how RAWTEXT and RCDATA end.
func rawEndRef(b []byte, i int, name string) int {
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if isEndTagRef(b, i, name) {
			return i
		}
		i++
	}
}

// isEndTagRef reports whether b[i:] starts with "</name" followed by
// whitespace, '/' or '>' (an "appropriate end tag").
func isEndTagRef(b []byte, i int, name string) bool {
	k := i + 2 + len(name)
	return k < len(b) && b[i+1] == '/' && hasFoldPrefixRef(b[i+2:], name) && isTagDelimRef(b[k])
}

// breaksOutRef reports whether a start tag leaves SVG or MathML content, as
// the standard's rules for foreign content say.
func breaksOutRef(name string, attrs []byte) bool {
	switch name {
	case "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
		"nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table",
		"tt", "u", "ul", "var":
		return true
	case "font":
		out := false
		eachAttrRef(attrs, func(name, _ []byte, _ int) {
			out = out || equalFoldRef(name, "color") || equalFoldRef(name, "face") || equalFoldRef(name, "size")
		})
		return out
	}
	return false
}

// htmlEncodingRef reports whether an <annotation-xml> says its content is HTML.
func htmlEncodingRef(attrs []byte) bool {
	ok := false
	eachAttrRef(attrs, func(name, raw []byte, _ int) {
		if equalFoldRef(name, "encoding") {
			v := unquoteRef(raw)
			ok = equalFoldRef(v, "text/html") || equalFoldRef(v, "application/xhtml+xml")
		}
	})
	return ok
}

// onlyCommentsRef reports whether b holds nothing but whitespace and comments.
func onlyCommentsRef(b []byte) bool {
	for i := 0; i < len(b); {
		switch {
		case isSpaceRef(b[i]):
			i++
		case hasPrefixRef(b[i:], "<!--"):
			if i = commentEndRef(b, i+4); i < 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// internRef is one of the names a frame holds, as a constant, so that the
// names scanRef reads from the page need no allocation.
func internRef(name string) string {
	for _, n := range [...]string{"svg", "math", "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml"} {
		if n == name {
			return n
		}
	}
	return ""
}

// lowerRef is name in ASCII lower case, in buf; "" when it is longer than any
// name scanRef looks for.
func lowerRef(buf *[16]byte, name []byte) string {
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

func isAlphaRef(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isSpaceRef is the tokenizer's whitespace (a '\r' is a newline to it).
func isSpaceRef(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// isNameEndRef ends a tag name.
func isNameEndRef(c byte) bool { return isSpaceRef(c) || c == '/' || c == '>' }

// isTagDelimRef ends the name of an appropriate end tag.
func isTagDelimRef(c byte) bool { return isNameEndRef(c) }

func hasPrefixRef(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// hasFoldPrefixRef is hasPrefixRef, ASCII case-insensitive, for a lowerRef-case p.
func hasFoldPrefixRef(b []byte, p string) bool {
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

func equalFoldRef(b []byte, s string) bool { return len(b) == len(s) && hasFoldPrefixRef(b, s) }
