package sqllex

import "strings"

// Kind says what a token is.
type Kind uint8

// The kinds of token.
const (
	Word           Kind = iota + 1 // an unquoted name or keyword: users, SELECT, @@version, 3d_models
	QuotedName                     // "Users", `users`, [Users]
	String                         // 'it''s', E'\n', N'..', X'1F', B'01', $$..$$, $tag$..$tag$
	Number                         // 42, 3.14, .5, 7., 1e-3, 0xFF
	Placeholder                    // ?, ?1, $1, $name, :name, :1, @p1, @var
	Comment                        // -- to the end of the line, /* to */
	Operator                       // a run of operator bytes (=, <>, ->>, @>, ||), ?|, ?&, :, :=
	Open                           // (
	Close                          // )
	Comma                          // ,
	Semicolon                      // ;
	Dot                            // a "." that qualifies what comes before: t.col, "t".*, (row).f
	DoubleColon                    // :: of a cast
	SubscriptOpen                  // a "[" right after an operand: a[1], ARRAY[1], (x)[1]
	SubscriptClose                 // the "]" that closes it
	Other                          // one byte of anything else: a stray "]", a "." after a value, a lone "$"
)

// Token is one token of a statement: the bytes src[Start:End], never empty.
// Between two tokens there is only whitespace (space, \t, \n, \r, \f, \v).
type Token struct {
	Start, End int
	Kind       Kind
	Keyword    Keyword // the keyword a Word spells, or 0
}

// Lexer splits a statement into tokens. It is a small value: copy it to look
// ahead.
type Lexer struct {
	src      string
	pos      int
	prev     Kind    // the last token that is not a comment; 0 before the first
	prevWord Keyword // its keyword
	gap      bool    // whitespace or a comment since prev
	subs     int     // open subscripts
}

// New returns a Lexer that reads src from its start.
func New(src string) Lexer { return Lexer{src: src} }

// Next returns the next token, or false at the end of the statement.
func (l *Lexer) Next() (Token, bool) {
	src, i := l.src, l.pos
	if i < len(src) && isSpace(src[i]) {
		l.gap = true
		i++
		for i < len(src) && isSpace(src[i]) {
			i++
		}
	}
	if i >= len(src) {
		l.pos = i
		return Token{}, false
	}
	c := src[i]
	t := Token{Start: i, End: i + 1, Kind: Other}
	switch c {
	case '-':
		if byteAt(src, i+1) == '-' {
			t.Kind, t.End = Comment, i+2
			if k := strings.IndexByte(src[i+2:], '\n'); k >= 0 {
				t.End += k
			} else {
				t.End = len(src)
			}
		} else {
			t.Kind, t.End = Operator, opRun(src, i, i)
		}
	case '/':
		if byteAt(src, i+1) == '*' {
			t.Kind, t.End = Comment, indexFrom(src, i+2, "*/")
		} else {
			t.Kind, t.End = Operator, opRun(src, i, i)
		}
	case '\'':
		t.Kind, t.End = String, skipString(src, i)
	case '"', '`':
		t.Kind, t.End = QuotedName, skipQuoted(src, i, c)
	case '[':
		if !l.gap && l.subscriptable() {
			t.Kind = SubscriptOpen
			l.subs++
		} else {
			t.Kind, t.End = QuotedName, skipQuoted(src, i, ']')
		}
	case ']':
		if l.subs > 0 {
			t.Kind = SubscriptClose
			l.subs--
		}
	case '(':
		t.Kind = Open
	case ')':
		t.Kind = Close
	case ',':
		t.Kind = Comma
	case ';':
		t.Kind = Semicolon
	case '.':
		next, qualifies := byteAt(src, i+1), l.qualifiable()
		switch {
		case isDigit(next) && (l.gap || !qualifies):
			t.Kind, t.End = Number, scanFraction(src, i) // .5
		case qualifies:
			t.Kind = Dot
		}
	case '?':
		if next := byteAt(src, i+1); (next == '|' || next == '&') && (i+2 >= len(src) || src[i+2] != next) {
			t.Kind, t.End = Operator, opRun(src, i, i+1) // PostgreSQL ?| and ?&, but ?|| is ? and ||
		} else {
			t.Kind, t.End = Placeholder, skipDigits(src, i+1)
		}
	case '$':
		t.Kind, t.End = dollar(src, i)
	case ':':
		switch next := byteAt(src, i+1); {
		case next == ':':
			t.Kind, t.End = DoubleColon, i+2
		case next == '=':
			t.Kind, t.End = Operator, i+2
		case l.subs == 0 && (isIdentStart(next) || isDigit(next)):
			t.Kind, t.End = Placeholder, skipIdent(src, i+1) // but a[1:n] is a slice
		default:
			t.Kind = Operator
		}
	case '@':
		switch next := byteAt(src, i+1); {
		case isIdentStart(next):
			t.Kind, t.End = Placeholder, skipIdent(src, i+1)
		case next == '@' && i+2 < len(src) && isIdentStart(src[i+2]):
			t.Kind, t.End = Word, skipIdent(src, i+2) // @@version, a system variable
		default:
			t.Kind, t.End = Operator, opRun(src, i, i)
		}
	default:
		switch class := byteClass[c]; {
		case class&digit != 0:
			if end, ok := scanNumber(src, i); ok {
				t.Kind, t.End = Number, end
			} else {
				t.Kind, t.End = Word, skipIdent(src, i) // a name that starts with a digit, as MySQL allows
			}
		case class&identStart != 0:
			if (c|0x20 == 'e' || c|0x20 == 'n' || c|0x20 == 'x' || c|0x20 == 'b') && byteAt(src, i+1) == '\'' {
				t.Kind, t.End = String, skipString(src, i+1) // E'..', N'..', X'..', B'..'
				break
			}
			t.Kind, t.End = Word, skipIdent(src, i)
			if l.prev != Dot { // t.order is a column
				t.Keyword = lookup(src[i:t.End])
			}
		case class&opByte != 0:
			t.Kind, t.End = Operator, opRun(src, i, i)
		}
	}
	l.pos = t.End
	if t.Kind == Comment {
		l.gap = true
	} else {
		l.prev, l.prevWord, l.gap = t.Kind, t.Keyword, false
	}
	return t, true
}

// byteAt returns src[i], or 0 past its end.
func byteAt(src string, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

// qualifiable reports whether a "." after the last token qualifies it, with
// or without whitespace between them.
func (l *Lexer) qualifiable() bool {
	switch l.prev {
	case Word:
		return l.prevWord != True && l.prevWord != False
	case QuotedName, Close, SubscriptClose:
		return true
	}
	return false
}

// subscriptable reports whether a "[" right after the last token subscripts
// it rather than opening a quoted name.
func (l *Lexer) subscriptable() bool {
	switch l.prev {
	case Word:
		k := l.prevWord
		return !k.Reserved() && k != True && k != False
	case QuotedName, Close, SubscriptClose:
		return true
	}
	return false
}

// skipString returns the end of the string literal whose opening quote is at
// i: a doubled quote and a backslash escape the next byte.
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

// skipQuoted returns the end of the quoted name whose opening byte is at i and
// which closing ends; a doubled closing byte is an escaped one.
func skipQuoted(src string, i int, closing byte) int {
	for j := i + 1; j < len(src); j++ {
		if src[j] == closing {
			if j+1 < len(src) && src[j+1] == closing {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(src)
}

// dollar reads the token starting with "$" at i: a positional or named
// placeholder, a dollar-quoted string, or a lone "$".
func dollar(src string, i int) (Kind, int) {
	j := i + 1
	switch {
	case j < len(src) && isDigit(src[j]):
		return Placeholder, skipDigits(src, j)
	case j < len(src) && src[j] == '$':
		return String, indexFrom(src, j+1, "$$")
	case j < len(src) && isIdentStart(src[j]):
		for j < len(src) && isIdentChar(src[j]) && src[j] != '$' {
			j++
		}
		if j < len(src) && src[j] == '$' {
			return String, indexFrom(src, j+1, src[i:j+1]) // $tag$ .. $tag$
		}
		return Placeholder, j // $name, SQLite
	}
	return Other, j
}

// opRun returns the end of the operator starting at i, whose operator bytes
// start at from. As in PostgreSQL, a run of operator bytes is one operator
// and a comment start ends it; so does @name. A last "+" or "-" before a
// number is its sign instead, so "x=-1" is "=" then "-" and "1"; it is only
// ever one byte, which keeps the scan linear.
func opRun(src string, i, from int) int {
	j := from
	for j < len(src) && isOpChar(src[j]) {
		if j > i && (strings.HasPrefix(src[j:], "--") || strings.HasPrefix(src[j:], "/*")) {
			break
		}
		if j > i && src[j] == '@' && j+1 < len(src) && (isIdentStart(src[j+1]) || src[j+1] == '@') {
			break
		}
		j++
	}
	if j-i > 1 && SignsNumber(src, j-1) {
		j--
	}
	return j
}

// SignsNumber reports whether src[i] is a "+" or "-" followed by a number,
// after spaces, tabs or line breaks: "-1", "- 1", "-.5". Whether it is the
// number's sign or an operator depends on what comes before it, which the
// lexer leaves to its caller: the "-" is always a token of its own, and the
// number the next one.
func SignsNumber(src string, i int) bool {
	if i >= len(src) || src[i] != '+' && src[i] != '-' {
		return false
	}
	j := i + 1
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
		j++
	}
	switch {
	case j < len(src) && isDigit(src[j]):
		_, ok := scanNumber(src, j)
		return ok
	case j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]):
		return true
	}
	return false
}

// scanNumber returns the end of the number starting with the digit at i and
// whether it is one: digits glued to letters ("3d_models", "0x1g") are a
// name, as MySQL allows. A fraction or exponent ends the number, as in
// PostgreSQL: "1.5x" is "1.5" and "x".
func scanNumber(src string, i int) (int, bool) {
	n := len(src)
	if src[i] == '0' && i+2 < n && src[i+1]|0x20 == 'x' && isHex(src[i+2]) {
		j := i + 2
		for j < n && isHex(src[j]) {
			j++
		}
		return j, j >= n || !isIdentChar(src[j])
	}
	j := skipDigits(src, i)
	if j < n && (src[j] == '.' || src[j]|0x20 == 'e' && exponent(src, j)) {
		return scanFraction(src, j), true
	}
	return j, j >= n || !isIdentChar(src[j])
}

// scanFraction returns the end of the fraction and exponent of a number at
// i, which is a "." or the "e" of an exponent.
func scanFraction(src string, i int) int {
	j := i
	if src[j] == '.' {
		j = skipDigits(src, j+1)
	}
	if j < len(src) && src[j]|0x20 == 'e' && exponent(src, j) {
		j++
		if src[j] == '+' || src[j] == '-' {
			j++
		}
		j = skipDigits(src, j)
	}
	return j
}

// exponent reports whether the "e" at i starts an exponent: e5, e+5, e-5.
func exponent(src string, i int) bool {
	k := i + 1
	if k < len(src) && (src[k] == '+' || src[k] == '-') {
		k++
	}
	return k < len(src) && isDigit(src[k])
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

// Byte classes, in byteClass.
const (
	space      = 1 << iota // space, \t, \n, \r, \f, \v
	digit                  // 0-9
	identStart             // a letter, "_", or a byte of a UTF-8 sequence: names are never split inside one
	dollarSign             // "$", which continues a name (a$b) but never starts one
	opByte                 // + - * / < > = ~ ! @ # % ^ & |
)

var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r\f\v") {
		t[c] = space
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = digit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = identStart, identStart
	}
	t['_'] = identStart
	for c := 0x80; c < 0x100; c++ {
		t[c] = identStart
	}
	t['$'] = dollarSign
	for _, c := range []byte("+-*/<>=~!@#%^&|") {
		t[c] = opByte
	}
	return t
}()

func isSpace(c byte) bool      { return byteClass[c]&space != 0 }
func isDigit(c byte) bool      { return byteClass[c]&digit != 0 }
func isHex(c byte) bool        { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }
func isIdentStart(c byte) bool { return byteClass[c]&identStart != 0 }
func isIdentChar(c byte) bool  { return byteClass[c]&(identStart|digit|dollarSign) != 0 }
func isOpChar(c byte) bool     { return byteClass[c]&opByte != 0 }
