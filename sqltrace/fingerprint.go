package sqltrace

import (
	"strings"
	"sync"
)

// Fingerprint returns the shape of the SQL statement sql: the same query with other
// values gives the same fingerprint, so callers can group statements (to spot N+1
// queries or duplicates) without a database or a full SQL parser.
//
// Fingerprint folds:
//   - every value to one marker "?": string literals ('..' with doubled-quote and
//     backslash escapes, E'..', N'..', X'..', B'..', $$..$$, $tag$..$tag$), numbers
//     (integers, decimals, exponents, 0x hex, with their sign after an operator, "(",
//     ",", a keyword or at the start, so "x = -1" gives "x = ?" but "a - 1" gives
//     "a - ?"), TRUE and FALSE, and the placeholders ?, ?1, $1, $name, :name, :1 and @p1;
//   - IN lists made only of markers to one: "IN (1, 2, 3)" and "IN ($1)" both give
//     "in (?)", while "IN (SELECT ...)" is kept;
//   - repeated rows to one: "VALUES (1, 'a'), (2, 'b')" gives "values (?, ?)", as do
//     row tuples in IN: "(a, b) IN ((1, 2), (3, 4))" gives "(a, b) in ((?, ?))";
//   - unquoted words (keywords and names) to lower case; quoted identifiers ("Foo",
//     `Foo`, [Foo]) are kept as written;
//   - layout: comments (-- and /* */) are dropped, whitespace becomes one space between
//     tokens, spacing around commas, parentheses, dots and casts is canonical
//     ("f(a, b)", "in (?)", "t.col", "x::int"), and a trailing semicolon is dropped.
//
// NULL is kept, so "IS NULL" and "= ?" differ, as do columns, tables and operators.
// Fingerprint never fails: it reads bytes, not grammar, so an unterminated string,
// quoted identifier or comment runs to the end of sql. The fingerprint of a
// fingerprint is itself, and valid UTF-8 stays valid.
//
// Where dialects disagree, Fingerprint reads sql one way:
//   - a backslash escapes the next byte in a string literal, as in MySQL (standard
//     PostgreSQL strings treat it as an ordinary byte);
//   - "?" is a placeholder except in the PostgreSQL operators "?|" and "?&"; the jsonb
//     operator "?" reads as a marker, which prints the same;
//   - "#" is an operator (PostgreSQL), not a MySQL comment; "/* */" comments do not
//     nest; MySQL user variables (@var) read as placeholders;
//   - "[" right after a name or ")" opens a subscript ("a[1]", "ARRAY[1]"); elsewhere
//     it starts a quoted identifier ("[dbo].[Users]");
//   - ARRAY[...] lists and IN lists of casts ("IN ($1::int)") are not collapsed, and
//     only ASCII letters are folded to lower case.
func Fingerprint(sql string) string {
	if sql == "" {
		return ""
	}
	bp := bufPool.Get().(*[]byte)
	// Every token is at most as long as its input and gets at most one space before
	// it, so twice the input is enough: the buffer never grows while we write.
	if need := 2 * len(sql); cap(*bp) < need {
		*bp = make([]byte, 0, need)
	}
	f := fingerprinter{src: sql, out: (*bp)[:0]}
	f.run()
	s := string(f.out)
	// Keep a pooled buffer small enough that one huge statement does not pin memory.
	if cap(f.out) <= 64<<10 {
		*bp = f.out[:0]
		bufPool.Put(bp)
	}
	return s
}

// bufPool holds scratch buffers: collapsing IN lists and rows rewrites what was already
// written, which a strings.Builder cannot do, and a pooled buffer keeps Fingerprint at
// one allocation (the returned string) per call.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// kind is the kind of the last token written, which decides spacing, signs and brackets.
type kind uint8

const (
	kNone     kind = iota
	kWord          // an identifier or unreserved word
	kKeyword       // a reserved word (see keywordClass)
	kQuoted        // a quoted identifier
	kMarker        // ?, the folded value
	kOpen          // (
	kClose         // )
	kComma         // ,
	kDot           // .
	kCast          // ::
	kOp            // an operator
	kSubOpen       // [ of a subscript
	kSubClose      // ] of a subscript
	kSemi          // ; between statements
	kOther         // any other byte
)

// wordClass tells keywords apart, and the two that start lists.
type wordClass uint8

const (
	notKeyword wordClass = iota
	keyword
	keywordIn
	keywordValues
)

// Row list states of a frame: VALUES and IN lists are sequences of "(...)" joined by ",".
const (
	rowsNone       = iota
	rowsFirst      // after VALUES or the "(" of an IN list: a "(" here opens a row
	rowsAfterRow   // a row just closed
	rowsAfterComma // a "," followed a row: a "(" here opens a row
)

// frame is one level of parentheses. Levels deeper than maxFrames are not tracked,
// so their lists are not collapsed.
type frame struct {
	open      int  // offset of "(" in out
	in        bool // the "(" of an IN list
	row       bool // a row of the parent's row list
	rows      uint8
	prevStart int // the previous row of this frame's row list, in out
	prevEnd   int
}

const maxFrames = 32

type fingerprinter struct {
	src         string
	out         []byte
	prev        kind
	prevClass   wordClass
	pendingSemi bool
	depth       int // open parentheses; frames[0] is the statement level
	subDepth    int // open subscripts
	frames      [maxFrames]frame
}

func (f *fingerprinter) run() {
	src := f.src
	n := len(src)
	space := false // whitespace or a comment precedes the current token
	for i := 0; i < n; {
		c := src[i]
		var next byte
		if i+1 < n {
			next = src[i+1]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			space = true
			continue
		case c == '-' && next == '-':
			i += 2
			for i < n && src[i] != '\n' {
				i++
			}
			space = true
			continue
		case c == '/' && next == '*':
			i = indexFrom(src, i+2, "*/")
			space = true
			continue
		case c == ';':
			i++
			if len(f.out) > 0 {
				f.pendingSemi = true
			}
			space = true
			continue
		}

		switch {
		case c == '\'':
			i = skipString(src, i)
			f.marker()
		case c == '"' || c == '`':
			i = f.quoted(i, c)
		case c == '[':
			if prev := f.last(); !space && (prev == kWord || prev == kQuoted || prev == kClose || prev == kSubClose) {
				f.punct(kSubOpen, '[')
				f.subDepth++
				i++
			} else {
				i = f.quoted(i, ']')
			}
		case c == ']':
			if f.subDepth > 0 {
				f.subDepth--
				f.punct(kSubClose, ']')
			} else {
				f.punct(kOther, ']')
			}
			i++
		case c == '(':
			f.open()
			i++
		case c == ')':
			f.close()
			i++
		case c == ',':
			f.punct(kComma, ',')
			i++
		case c == '.':
			prev := f.last()
			qualifies := prev == kWord || prev == kKeyword || prev == kQuoted || prev == kClose || prev == kSubClose
			end, ok := 0, false
			if isDigit(next) && (space || !qualifies) {
				end, ok = scanNumber(src, i) // .5
			}
			switch {
			case ok:
				f.marker()
				i = end
			case qualifies:
				f.punct(kDot, '.') // t.col, "t".*, (row).field
				i++
			default:
				f.punct(kOther, '.') // spaced, so that it never glues to a name like 3d
				i++
			}
		case isDigit(c):
			if end, ok := scanNumber(src, i); ok {
				i = end
				f.marker()
			} else {
				i = f.word(i) // a name that starts with a digit, as MySQL allows
			}
		case (c == '-' || c == '+') && f.signAllowed():
			if end, ok := signedNumber(src, i); ok {
				f.marker()
				i = end
			} else {
				i = f.opRun(i, i)
			}
		case isIdentStart(c):
			if (c|0x20 == 'e' || c|0x20 == 'n' || c|0x20 == 'x' || c|0x20 == 'b') && next == '\'' {
				i = skipString(src, i+1) // E'..', N'..', X'..', B'..'
				f.marker()
			} else {
				i = f.word(i)
			}
		case c == '?':
			if (next == '|' || next == '&') && (i+2 >= n || src[i+2] != next) {
				i = f.opRun(i, i+1) // PostgreSQL ?| and ?&, but "?||" is "?" and "||"
			} else {
				i = skipDigits(src, i+1)
				f.marker()
			}
		case c == '$':
			i = f.dollar(i)
		case c == ':':
			switch {
			case next == ':':
				f.punct2(kCast, "::")
				i += 2
			case next == '=':
				f.op(":=")
				i += 2
			case f.subDepth == 0 && (isIdentStart(next) || isDigit(next)):
				i = skipIdent(src, i+1)
				f.marker()
			default:
				f.op(":")
				i++
			}
		case c == '@':
			switch {
			case isIdentStart(next):
				i = skipIdent(src, i+1)
				f.marker()
			case next == '@' && i+2 < n && isIdentStart(src[i+2]):
				i = f.word(i) // @@version, a system variable
			default:
				i = f.opRun(i, i)
			}
		case isOpChar(c):
			i = f.opRun(i, i)
		default:
			f.punct(kOther, c)
			i++
		}
		space = false
	}
}

// last returns the kind of the token before the current one, counting a pending ";".
func (f *fingerprinter) last() kind {
	if f.pendingSemi {
		return kSemi
	}
	return f.prev
}

// begin writes what goes before a token of kind cur: a pending ";" and the space.
func (f *fingerprinter) begin(cur kind) {
	if f.pendingSemi {
		f.pendingSemi = false
		f.out = append(f.out, ';')
		f.end(kSemi, notKeyword)
	}
	if needSpace(f.prev, cur) {
		f.out = append(f.out, ' ')
	}
}

// needSpace gives the canonical spacing: one space between tokens, except inside
// parentheses and brackets, before "," and around "." and "::", and between a name
// and the "(" of its call or column list.
func needSpace(prev, cur kind) bool {
	switch prev {
	case kNone, kOpen, kSubOpen, kDot, kCast:
		return false
	}
	switch cur {
	case kSubClose:
		return prev == kQuoted // "[a] ]", as "[a]]" would read as an escaped "]"
	case kClose, kComma, kDot, kSemi, kSubOpen:
		return false
	case kCast:
		return prev == kOp // "a: ::b" must not become ":::"
	case kOpen:
		return prev != kWord && prev != kQuoted
	}
	return true
}

// end records a token written in the current frame and moves its row list on.
func (f *fingerprinter) end(k kind, class wordClass) {
	f.prev, f.prevClass = k, class
	if f.depth >= maxFrames {
		return
	}
	fr := &f.frames[f.depth]
	switch {
	case k == kComma && fr.rows == rowsAfterRow:
		fr.rows = rowsAfterComma
	case class == keywordValues:
		fr.rows = rowsFirst
	default:
		fr.rows = rowsNone
	}
}

func (f *fingerprinter) marker() {
	f.begin(kMarker)
	f.out = append(f.out, '?')
	f.end(kMarker, notKeyword)
}

func (f *fingerprinter) punct(k kind, c byte) {
	f.begin(k)
	f.out = append(f.out, c)
	f.end(k, notKeyword)
}

func (f *fingerprinter) punct2(k kind, s string) {
	f.begin(k)
	f.out = append(f.out, s...)
	f.end(k, notKeyword)
}

func (f *fingerprinter) op(s string) { f.punct2(kOp, s) }

// signAllowed reports whether a "-" or "+" before a digit is a sign rather than an
// operator between two operands, as in "x = -1" but not "a - 1".
func (f *fingerprinter) signAllowed() bool {
	switch f.last() {
	case kNone, kOp, kOpen, kComma, kKeyword, kSubOpen, kSemi:
		return true
	}
	return false
}

// open writes "(" and pushes its frame.
func (f *fingerprinter) open() {
	f.begin(kOpen)
	child := frame{open: len(f.out)}
	f.out = append(f.out, '(')
	if f.depth < maxFrames {
		if parent := &f.frames[f.depth]; parent.rows == rowsFirst || parent.rows == rowsAfterComma {
			child.row = true
		} else {
			parent.rows = rowsNone
		}
	}
	if f.prev == kKeyword && f.prevClass == keywordIn {
		child.in = true
		child.rows = rowsFirst
	}
	f.depth++
	if f.depth < maxFrames {
		f.frames[f.depth] = child
	}
	f.prev, f.prevClass = kOpen, notKeyword
}

// close writes ")", pops its frame and collapses the list it ends.
func (f *fingerprinter) close() {
	f.begin(kClose)
	f.out = append(f.out, ')')
	if f.depth == 0 {
		f.end(kClose, notKeyword) // unbalanced
		return
	}
	f.depth--
	f.prev, f.prevClass = kClose, notKeyword
	if f.depth+1 >= maxFrames {
		return
	}
	child := f.frames[f.depth+1]
	if child.in && onlyMarkers(f.out[child.open+1:len(f.out)-1]) {
		f.out = append(f.out[:child.open+1], '?', ')')
	}
	if !child.row {
		return
	}
	parent := &f.frames[f.depth]
	if parent.rows == rowsAfterComma && string(f.out[parent.prevStart:parent.prevEnd]) == string(f.out[child.open:]) {
		f.out = f.out[:parent.prevEnd] // drop ", (...)": the same row again
	} else {
		parent.prevStart, parent.prevEnd = child.open, len(f.out)
	}
	parent.rows = rowsAfterRow
}

// onlyMarkers reports whether b is "?" or "?, ?, ...".
func onlyMarkers(b []byte) bool {
	if len(b) == 0 || b[0] != '?' {
		return false
	}
	for b = b[1:]; len(b) > 0; b = b[3:] {
		if len(b) < 3 || b[0] != ',' || b[1] != ' ' || b[2] != '?' {
			return false
		}
	}
	return true
}

// word writes the name starting at i in lower case and returns its end.
func (f *fingerprinter) word(i int) int {
	src := f.src
	j := i
	if src[j] == '@' {
		j += 2 // @@name
	}
	j = skipIdent(src, j)
	f.begin(kWord)
	start := len(f.out)
	for k := i; k < j; k++ {
		c := src[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		f.out = append(f.out, c)
	}
	w := f.out[start:]
	if string(w) == "true" || string(w) == "false" {
		f.out = append(f.out[:start], '?')
		f.end(kMarker, notKeyword)
		return j
	}
	if class := keywordClass(w); class != notKeyword {
		f.end(kKeyword, class)
	} else {
		f.end(kWord, notKeyword)
	}
	return j
}

// keywordClass reports whether the lower-case word w is a reserved word that is never
// an operand. Keywords are followed by a space before "(" ("in (", "exists (") where
// names are not ("count(", "users(a, b)"), and a "-" after one is a sign.
func keywordClass(w []byte) wordClass {
	switch string(w) {
	case "in":
		return keywordIn
	case "values":
		return keywordValues
	case "all", "and", "apply", "as", "between", "by", "case", "conflict", "delete",
		"distinct", "do", "else", "except", "exists", "fetch", "filter", "from", "group",
		"having", "ilike", "insert", "intersect", "into", "is", "join", "lateral", "like",
		"limit", "not", "offset", "on", "or", "order", "over", "partition", "recursive",
		"return", "returning", "select", "set", "then", "top", "union", "update", "using",
		"when", "where", "window", "with", "within":
		return keyword
	}
	return notKeyword
}

// quoted writes the quoted identifier starting at i verbatim and returns its end;
// a doubled closing byte is an escaped one.
func (f *fingerprinter) quoted(i int, closing byte) int {
	src := f.src
	j := i + 1
	for j < len(src) {
		if src[j] == closing {
			if j+1 < len(src) && src[j+1] == closing {
				j += 2
				continue
			}
			j++
			break
		}
		j++
	}
	f.begin(kQuoted)
	f.out = append(f.out, src[i:j]...)
	f.end(kQuoted, notKeyword)
	return j
}

// dollar handles a token starting with "$": a positional or named placeholder, a
// dollar-quoted string, or a lone "$".
func (f *fingerprinter) dollar(i int) int {
	src := f.src
	j := i + 1
	switch {
	case j < len(src) && isDigit(src[j]):
		f.marker()
		return skipDigits(src, j)
	case j < len(src) && src[j] == '$':
		f.marker()
		return indexFrom(src, j+1, "$$")
	case j < len(src) && isIdentStart(src[j]):
		for j < len(src) && isIdentChar(src[j]) && src[j] != '$' {
			j++
		}
		f.marker()
		if j < len(src) && src[j] == '$' {
			tag := src[i : j+1] // $tag$
			return indexFrom(src, j+1, tag)
		}
		return j // $name, SQLite
	}
	f.punct(kOther, '$')
	return j
}

// opRun writes the operator starting at i, whose operator bytes start at from, and
// returns its end. As in PostgreSQL, a run of operator bytes is one operator and a
// comment start ends it. A last "+" or "-" before a number is its sign instead, so
// "x=-1" is "x = ?"; it is only ever one byte, which keeps the scan linear.
func (f *fingerprinter) opRun(i, from int) int {
	src := f.src
	j := from
	for j < len(src) && isOpChar(src[j]) {
		if j > i && (strings.HasPrefix(src[j:], "--") || strings.HasPrefix(src[j:], "/*")) {
			break
		}
		if j > i && src[j] == '@' && j+1 < len(src) && (isIdentStart(src[j+1]) || src[j+1] == '@') {
			break // @name
		}
		j++
	}
	if j-i > 1 && (src[j-1] == '+' || src[j-1] == '-') {
		if _, ok := signedNumber(src, j-1); ok {
			j--
		}
	}
	f.op(src[i:j])
	return j
}

// skipString returns the end of the string literal whose opening quote is at i.
func skipString(src string, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '\'':
			if j+1 < len(src) && src[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(src)
}

// scanNumber returns the end of the number starting at i and whether it is one:
// digits glued to letters ("3d_models", "0x1g") are a name, as MySQL allows. A
// fraction or exponent ends the number, as in PostgreSQL: "1.5x" is "1.5" and "x".
func scanNumber(src string, i int) (int, bool) {
	n := len(src)
	j := i
	if src[j] == '0' && j+2 < n && src[j+1]|0x20 == 'x' && isHex(src[j+2]) {
		j = i + 2
		for j < n && isHex(src[j]) {
			j++
		}
		return j, j >= n || !isIdentChar(src[j])
	}
	j = skipDigits(src, j)
	plain := j > i
	if j < n && src[j] == '.' {
		j = skipDigits(src, j+1)
		plain = false
	}
	if j < n && src[j]|0x20 == 'e' {
		k := j + 1
		if k < n && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < n && isDigit(src[k]) {
			j = skipDigits(src, k)
			plain = false
		}
	}
	return j, !plain || j >= n || !isIdentChar(src[j])
}

// signedNumber returns the end of the number after the sign at i, which may be
// separated from it by spaces ("- 1"), and whether there is one.
func signedNumber(src string, i int) (int, bool) {
	j := i + 1
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
		j++
	}
	if j < len(src) && (isDigit(src[j]) || src[j] == '.' && j+1 < len(src) && isDigit(src[j+1])) {
		return scanNumber(src, j)
	}
	return j, false
}

// indexFrom returns the end of the first sep in src at or after i, or len(src).
func indexFrom(src string, i int, sep string) int {
	if i > len(src) {
		return len(src)
	}
	if k := strings.Index(src[i:], sep); k >= 0 {
		return i + k + len(sep)
	}
	return len(src)
}

func skipDigits(src string, i int) int {
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	return i
}

func skipIdent(src string, i int) int {
	for i < len(src) && isIdentChar(src[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// isIdentStart reports whether c starts a name; bytes of multi-byte UTF-8 sequences
// are name bytes, so a sequence is never split.
func isIdentStart(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

func isOpChar(c byte) bool {
	switch c {
	case '+', '-', '*', '/', '<', '>', '=', '~', '!', '@', '#', '%', '^', '&', '|':
		return true
	}
	return false
}
