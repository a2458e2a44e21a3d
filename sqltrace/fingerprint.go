package sqltrace

import (
	"strings"
	"sync"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
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
//     `Foo`, [Foo]) are kept as written, and a word after a dot is a name, never a
//     keyword or a boolean ("t.order", "t.true");
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
//   - "[" right after a name or ")" opens a subscript ("a[1]", "ARRAY[1]"); elsewhere,
//     and after a keyword, it starts a quoted identifier ("[dbo].[Users]", "FROM[Users]");
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
	frames      [maxFrames]frame
}

func (f *fingerprinter) run() {
	src := f.src
	lx := sqllex.New(src)
	for {
		t, ok := lx.Next()
		if !ok {
			return
		}
		switch t.Kind {
		case sqllex.Comment:
		case sqllex.Semicolon:
			if len(f.out) > 0 {
				f.pendingSemi = true
			}
		case sqllex.String, sqllex.Number, sqllex.Placeholder:
			f.marker()
		case sqllex.Word:
			f.word(src[t.Start:t.End], t.Keyword)
		case sqllex.QuotedName:
			f.punct2(kQuoted, src[t.Start:t.End])
		case sqllex.Open:
			f.open()
		case sqllex.Close:
			f.close()
		case sqllex.Comma:
			f.punct(kComma, ',')
		case sqllex.Dot:
			f.punct(kDot, '.') // t.col, "t".*, (row).field
		case sqllex.DoubleColon:
			f.punct2(kCast, "::")
		case sqllex.SubscriptOpen:
			f.punct(kSubOpen, '[')
		case sqllex.SubscriptClose:
			f.punct(kSubClose, ']')
		case sqllex.Operator:
			if t.End == t.Start+1 && f.signAllowed() && sqllex.SignsNumber(src, t.Start) {
				lx.Next() // the number, which the sign joins
				f.marker()
			} else {
				f.op(src[t.Start:t.End])
			}
		default:
			// A stray "]", a lone "$", a "." after a value (spaced, so
			// that it never glues to a name like 3d), any other byte.
			f.punct(kOther, src[t.Start])
		}
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
	if spaced[f.prev][cur] {
		f.out = append(f.out, ' ')
	}
}

// spaced is needSpace for every pair of kinds, looked up for every token.
var spaced = func() (t [kOther + 1][kOther + 1]bool) {
	for prev := range t {
		for cur := range t[prev] {
			t[prev][cur] = needSpace(kind(prev), kind(cur))
		}
	}
	return t
}()

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

// word writes the unquoted word w, which spells the keyword kw, in lower case.
func (f *fingerprinter) word(w string, kw sqllex.Keyword) {
	if kw == sqllex.True || kw == sqllex.False {
		f.marker()
		return
	}
	k, class := kWord, notKeyword
	switch {
	case kw == sqllex.In:
		k, class = kKeyword, keywordIn
	case kw == sqllex.Values:
		k, class = kKeyword, keywordValues
	case kw.Reserved():
		k, class = kKeyword, keyword
	}
	f.begin(k)
	if kw != 0 {
		f.out = append(f.out, lowerKeywords[kw]...) // w in lower case, copied at once
	} else {
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.out = append(f.out, c)
		}
	}
	f.end(k, class)
}

// lowerKeywords holds each keyword in lower case.
var lowerKeywords = func() (t [256]string) {
	for k := range t {
		t[k] = strings.ToLower(sqllex.Keyword(k).String())
	}
	return t
}()
