package sqllex_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/internal/sqllex"
)

var kindNames = map[sqllex.Kind]string{
	sqllex.Word: "word", sqllex.QuotedName: "quoted", sqllex.String: "str", sqllex.Number: "num",
	sqllex.Placeholder: "ph", sqllex.Comment: "comment", sqllex.Operator: "op", sqllex.Open: "(",
	sqllex.Close: ")", sqllex.Comma: ",", sqllex.Semicolon: ";", sqllex.Dot: ".",
	sqllex.DoubleColon: "::", sqllex.SubscriptOpen: "sub[", sqllex.SubscriptClose: "]sub",
	sqllex.Other: "other",
}

// notation writes the tokens of sql as "kind text" separated by " | ",
// a keyword as "KW text".
func notation(sql string) string {
	var parts []string
	lx := sqllex.New(sql)
	for t, ok := lx.Next(); ok; t, ok = lx.Next() {
		name := kindNames[t.Kind]
		if t.Keyword != 0 {
			name = t.Keyword.String()
		}
		parts = append(parts, name+" "+sql[t.Start:t.End])
	}
	return strings.Join(parts, " | ")
}

func TestLexer(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"an empty statement has no tokens", "", ""},
		{"whitespace alone has no tokens", " \t\n\r\f\v", ""},
		{"words are keywords in any case, others are names",
			"Select id FROM users",
			"SELECT Select | word id | FROM FROM | word users"},
		{"a word after a dot is a name, even one spelled like a keyword",
			"t.order, t . from, t.true",
			"word t | . . | word order | , , | word t | . . | word from | , , | word t | . . | word true"},
		{"a string has a doubled quote and backslash escapes",
			`'it''s' 'a\'b' 'c\\'`,
			`str 'it''s' | str 'a\'b' | str 'c\\'`},
		{"prefixed strings are strings",
			`E'\n' N'Zoë' X'1F' b'01' e'x'`,
			`str E'\n' | str N'Zoë' | str X'1F' | str b'01' | str e'x'`},
		{"dollar quotes are strings, with or without a tag",
			"$$it's$$ $fn$ a $$ b $fn$",
			"str $$it's$$ | str $fn$ a $$ b $fn$"},
		{"quoted names keep a doubled closing byte inside",
			"\"a\"\"b\" `c``d` [e]]f]",
			"quoted \"a\"\"b\" | quoted `c``d` | quoted [e]]f]"},
		{"a bracket after an operand is a subscript, elsewhere a quoted name",
			"a[1] ARRAY[2] (x)[3] m[1][2] a [b] FROM[Users] [dbo].[t]",
			"word a | sub[ [ | num 1 | ]sub ] | word ARRAY | sub[ [ | num 2 | ]sub ] | ( ( | word x | ) ) | sub[ [ | num 3 | ]sub ] | " +
				"word m | sub[ [ | num 1 | ]sub ] | sub[ [ | num 2 | ]sub ] | word a | quoted [b] | FROM FROM | quoted [Users] | quoted [dbo] | . . | quoted [t]"},
		{"a colon in a subscript is a slice, elsewhere it starts a name",
			"a[1:n] = :n",
			"word a | sub[ [ | num 1 | op : | word n | ]sub ] | op = | ph :n"},
		{"a stray closing bracket is other",
			"]",
			"other ]"},
		{"comments run to the end of the line or to */, and do not nest",
			"a -- b\nc /* d /* e */ f */",
			"word a | comment -- b | word c | comment /* d /* e */ | word f | op */"},
		{"a hash is an operator, not a comment",
			"a # b #> c",
			"word a | op # | word b | op #> | word c"},
		{"numbers of every form",
			"42 3.14 .5 7. 1e10 2.5E-3 6e+2 0xFF",
			"num 42 | num 3.14 | num .5 | num 7. | num 1e10 | num 2.5E-3 | num 6e+2 | num 0xFF"},
		{"digits glued to letters are a name, a fraction ends a number",
			"3d_models 0x1g 1ex 1.5x 1e5x",
			"word 3d_models | word 0x1g | word 1ex | num 1.5 | word x | num 1e5 | word x"},
		{"a dot after a value is other, and one after a name before digits is a dot",
			"1.5.3 'a'.b t.5 t .5",
			"num 1.5 | num .3 | str 'a' | other . | word b | word t | . . | num 5 | word t | num .5"},
		{"placeholders of every dialect",
			"? ?1 $1 $name :name :1 @p1 @var",
			"ph ? | ph ?1 | ph $1 | ph $name | ph :name | ph :1 | ph @p1 | ph @var"},
		{"a system variable is a name",
			"@@version @@session.sql_mode",
			"word @@version | word @@session | . . | word sql_mode"},
		{"jsonb operators, but ?|| is a placeholder and ||",
			"a ?| b ?& c ? d ?|| e",
			"word a | op ?| | word b | op ?& | word c | ph ? | word d | ph ? | op || | word e"},
		{"a run of operator bytes is one operator, but a sign before a number is not in it",
			"a->>'k' x=-1 y<>- 2 z@>w",
			"word a | op ->> | str 'k' | word x | op = | op - | num 1 | word y | op <> | op - | num 2 | word z | op @> | word w"},
		{"an operator ends where a comment or an @name starts",
			"a+--c\nb<@x",
			"word a | op + | comment --c | word b | op < | ph @x"},
		{"casts and assignments",
			"$1::int, a := 1",
			"ph $1 | :: :: | word int | , , | word a | op := | num 1"},
		{"punctuation",
			"f(a, b); $",
			"word f | ( ( | word a | , , | word b | ) ) | ; ; | other $"},
		{"non-ASCII names are whole",
			"straße 名前",
			"word straße | word 名前"},
		{"unterminated strings, names and comments run to the end",
			"'abc",
			"str 'abc"},
		{"an unterminated quoted name runs to the end",
			`"abc`,
			`quoted "abc`},
		{"an unterminated comment runs to the end",
			"/* abc",
			"comment /* abc"},
		{"an unterminated dollar quote runs to the end",
			"$t$ abc",
			"str $t$ abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notation(tt.sql); got != tt.want {
				t.Errorf("tokens of %q\n got: %s\nwant: %s", tt.sql, got, tt.want)
			}
		})
	}
}

func TestKeywords(t *testing.T) {
	for k := sqllex.Keyword(1); k.String() != ""; k++ {
		name := k.String()
		for _, w := range []string{name, strings.ToLower(name), strings.ToLower(name[:1]) + name[1:]} {
			if got := keywordOf(w); got != k {
				t.Errorf("%q reads as keyword %q, want %q", w, got, name)
			}
		}
	}
	for _, w := range []string{"selects", "selec", "from_", "_from", "fröm", "s3lect", "a", "x", "users", "current_timestamps", "ordér"} {
		if got := keywordOf(w); got != 0 {
			t.Errorf("%q reads as keyword %q, want none", w, got)
		}
	}
	if !sqllex.Select.Reserved() || sqllex.Null.Reserved() || sqllex.Keyword(0).Reserved() {
		t.Errorf("SELECT is reserved, NULL and no keyword are not")
	}
}

func keywordOf(w string) sqllex.Keyword {
	lx := sqllex.New(w)
	t, ok := lx.Next()
	if !ok || t.Kind != sqllex.Word || t.End != len(w) {
		return 255
	}
	return t.Keyword
}

func TestSignsNumber(t *testing.T) {
	for _, tt := range []struct {
		sql  string
		i    int
		want bool
	}{
		{"-1", 0, true},
		{"+ .5", 0, true},
		{"-\n\t 2e3", 0, true},
		{"- x", 0, false},
		{"-3d", 0, false},
		{"-\f1", 0, false},
		{"-/**/1", 0, false},
		{"1", 0, false},
		{"-", 0, false},
		{"-", 1, false},
	} {
		if got := sqllex.SignsNumber(tt.sql, tt.i); got != tt.want {
			t.Errorf("SignsNumber(%q, %d) = %v, want %v", tt.sql, tt.i, got, tt.want)
		}
	}
}

func TestLexerTakesLinearTime(t *testing.T) {
	for _, unit := range []string{"- ", "+", "=-1", "$a", "$a$", "0x0e", ".1", ":::", "[", "a[", "?|", "'\\", "@@", "/*"} {
		t.Run(unit, func(t *testing.T) {
			// No timer: at 1 MiB a quadratic pass takes minutes, which the
			// test binary's -timeout catches.
			sql := strings.Repeat(unit, (1<<20)/len(unit))
			n := 0
			lx := sqllex.New(sql)
			for _, ok := lx.Next(); ok; _, ok = lx.Next() {
				n++
			}
			if n > len(sql) {
				t.Errorf("%d tokens from %d bytes", n, len(sql))
			}
		})
	}
}

// FuzzLexer checks that the tokens cover the statement: each is non-empty
// and after the one before, only whitespace is between them, so the texts
// and the whitespace give back the input; that a UTF-8 sequence is never
// split; that only words have a keyword; and that a copy of a lexer, for
// looking ahead, reads on as the original does.
func FuzzLexer(f *testing.F) {
	for _, seed := range []string{
		"",
		"SELECT \"a\".\"b\", [c].[d], `e` FROM t WHERE x IN (1, 'two', $3) AND y::int > -4.5e6;",
		"SELECT $$a$$, $t$ b $t$, E'c\\'d', 'e''f' /* g */ -- h\n, :name, @p1, ?2, @@v",
		"a[1:2] ARRAY[1] (x)[1] [q]]q] ] t.order x=-1 ?|| ?| #> 3d 0x1g 1.5x",
		"'unterminated",
		"/* unterminated",
		"\x80\xff straße \xe2\x82",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		lx := sqllex.New(sql)
		valid := utf8.ValidString(sql)
		var b strings.Builder
		end := 0
		for {
			ahead := lx
			t1, ok := lx.Next()
			t2, ok2 := ahead.Next()
			if t1 != t2 || ok != ok2 {
				t.Fatalf("a copy of the lexer read %+v, the lexer %+v", t2, t1)
			}
			gap := sql[end:]
			if ok {
				if t1.Start < end || t1.End <= t1.Start || t1.End > len(sql) {
					t.Fatalf("token %+v after byte %d of %q", t1, end, sql)
				}
				gap = sql[end:t1.Start]
			}
			if strings.Trim(gap, " \t\n\r\f\v") != "" {
				t.Fatalf("%q between tokens of %q is not whitespace", gap, sql)
			}
			b.WriteString(gap)
			if !ok {
				break
			}
			text := sql[t1.Start:t1.End]
			if valid && !utf8.ValidString(text) {
				t.Errorf("token %q of %q splits a UTF-8 sequence", text, sql)
			}
			if t1.Keyword != 0 && t1.Kind != sqllex.Word {
				t.Errorf("token %q of %q is a %v with keyword %v", text, sql, t1.Kind, t1.Keyword)
			}
			b.WriteString(text)
			end = t1.End
		}
		if b.String() != sql {
			t.Errorf("tokens give back %q, not %q", b.String(), sql)
		}
		if _, ok := lx.Next(); ok {
			t.Errorf("a token after the end of %q", sql)
		}
	})
}
