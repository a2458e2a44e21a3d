package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// notation writes tokens compactly: plain text as is, others as [kind text].
func notation(toks []sqlToken) string {
	var b strings.Builder
	for _, t := range toks {
		if t.Kind == sqlText {
			b.WriteString(t.Text)
			continue
		}
		b.WriteString("[" + strings.TrimPrefix(t.Kind.Class(), "dt-sql-") + " " + t.Text + "]")
	}
	return b.String()
}

func TestFormatSQL(t *testing.T) {
	for _, c := range []struct {
		name, sql, want string
	}{
		{"an empty statement has no tokens", "", ""},
		{"clauses go on their own lines",
			"SELECT id, name FROM users WHERE id = ? ORDER BY name LIMIT 10 OFFSET 20",
			"[kw SELECT] id, name\n[kw FROM] users\n[kw WHERE] id = [ph ?]\n[kw ORDER] [kw BY] name\n[kw LIMIT] [num 10] [kw OFFSET] [num 20]"},
		{"whitespace becomes one space and the case is kept",
			"select   *\n\tfrom t\n  where a=1",
			"[kw select] *\n[kw from] t\n[kw where] a=[num 1]"},
		{"join variants start a line once",
			"SELECT * FROM a LEFT OUTER JOIN b ON b.id = a.id JOIN c USING (id) NATURAL LEFT JOIN d CROSS JOIN e",
			"[kw SELECT] *\n[kw FROM] a\n[kw LEFT] [kw OUTER] [kw JOIN] b [kw ON] b.id = a.id\n[kw JOIN] c [kw USING] (id)\n[kw NATURAL] [kw LEFT] [kw JOIN] d\n[kw CROSS] [kw JOIN] e"},
		{"a subquery is indented and closed on its own line",
			"SELECT * FROM posts WHERE author_id IN (SELECT id FROM authors WHERE active) AND x = 1",
			"[kw SELECT] *\n[kw FROM] posts\n[kw WHERE] author_id [kw IN] (\n  [kw SELECT] id\n  [kw FROM] authors\n  [kw WHERE] active\n) [kw AND] x = [num 1]"},
		{"clauses inside a function call or window stay on the line",
			"SELECT row_number() OVER (PARTITION BY a ORDER BY b), string_agg(x, ',' ORDER BY x), extract(year FROM d) FROM t",
			"[kw SELECT] row_number() [kw OVER] ([kw PARTITION] [kw BY] a [kw ORDER] [kw BY] b), string_agg(x, [str ','] [kw ORDER] [kw BY] x), extract(year [kw FROM] d)\n[kw FROM] t"},
		{"insert with values, upsert and returning",
			"INSERT INTO users (name, email) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id",
			"[kw INSERT] [kw INTO] users (name, email)\n[kw VALUES] ([ph $1], [ph $2])\n[kw ON] [kw CONFLICT] (email) [kw DO] [kw UPDATE] [kw SET] name = excluded.name\n[kw RETURNING] id"},
		{"update and delete",
			"UPDATE posts SET views = views + 1 WHERE id = :id; DELETE FROM s WHERE t < @p1",
			"[kw UPDATE] posts\n[kw SET] views = views + [num 1]\n[kw WHERE] id = [ph :id];\n[kw DELETE] [kw FROM] s\n[kw WHERE] t < [ph @p1]"},
		{"group by, having, union",
			"SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 UNION ALL SELECT b, 0 FROM u",
			"[kw SELECT] a, count(*)\n[kw FROM] t\n[kw GROUP] [kw BY] a\n[kw HAVING] count(*) > [num 1]\n[kw UNION] [kw ALL]\n[kw SELECT] b, [num 0]\n[kw FROM] u"},
		{"a common table expression",
			"WITH recent AS (SELECT * FROM posts) SELECT * FROM recent",
			"[kw WITH] recent [kw AS] (\n  [kw SELECT] *\n  [kw FROM] posts\n)\n[kw SELECT] *\n[kw FROM] recent"},
		{"strings keep their spaces, quotes and keywords",
			`SELECT 'it''s  FROM here', 'a\'b', E'x', $$ WHERE $$, $tag$ q $tag$ FROM t`,
			`[kw SELECT] [str 'it''s  FROM here'], [str 'a\'b'], [str E'x'], [str $$ WHERE $$], [str $tag$ q $tag$]` + "\n[kw FROM] t"},
		{"quoted identifiers are not keywords",
			"SELECT \"from\", `select`, [where] FROM \"Order\"",
			"[kw SELECT] [ident \"from\"], [ident `select`], [ident [where]]\n[kw FROM] [ident \"Order\"]"},
		{"a column named like a keyword after a dot is a name",
			"SELECT o.order, o.from FROM t o",
			"[kw SELECT] o.order, o.from\n[kw FROM] t o"},
		{"numbers, casts and subscripts",
			"SELECT 1.5e3, .5, 0xFF, x::int, arr[1:2] FROM t",
			"[kw SELECT] [num 1.5e3], [num .5], [num 0xFF], x::int, arr[[num 1]:[num 2]]\n[kw FROM] t"},
		{"placeholders of every dialect",
			"SELECT ?, ?1, $1, :name, @p1 FROM t WHERE j ?| array['a']",
			"[kw SELECT] [ph ?], [ph ?1], [ph $1], [ph :name], [ph @p1]\n[kw FROM] t\n[kw WHERE] j ?| array[[str 'a']]"},
		{"a line comment ends its line and a block comment stays inline",
			"SELECT a -- the a\nFROM t /* all of it */ WHERE b",
			"[kw SELECT] a [comment -- the a]\n[kw FROM] t [comment /* all of it */]\n[kw WHERE] b"},
		{"an unterminated string runs to the end",
			"SELECT 'oops FROM t",
			"[kw SELECT] [str 'oops FROM t]"},
		{"an unterminated comment runs to the end",
			"SELECT 1 /* FROM t",
			"[kw SELECT] [num 1] [comment /* FROM t]"},
		{"IS DISTINCT FROM and DELETE FROM stay on the line",
			"DELETE FROM t WHERE a IS DISTINCT FROM b",
			"[kw DELETE] [kw FROM] t\n[kw WHERE] a [kw IS] [kw DISTINCT] [kw FROM] b"},
		{"a function named like a clause is not one",
			"INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)",
			"[kw INSERT] [kw INTO] t (a)\n[kw VALUES] ([num 1])\n[kw ON] [kw DUPLICATE] [kw KEY] [kw UPDATE] a = [kw VALUES](a)"},
		{"SELECT ... FOR UPDATE keeps the lock on the line",
			"SELECT * FROM jobs WHERE id = 1 FOR UPDATE SKIP LOCKED",
			"[kw SELECT] *\n[kw FROM] jobs\n[kw WHERE] id = [num 1] [kw FOR] [kw UPDATE] [kw SKIP] [kw LOCKED]"},
		{"non-ASCII names stay whole",
			"SELECT prénom FROM gäste",
			"[kw SELECT] prénom\n[kw FROM] gäste"},
		{"markup is just text",
			"SELECT '<script>' FROM t WHERE a < b",
			"[kw SELECT] [str '<script>']\n[kw FROM] t\n[kw WHERE] a < b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := notation(formatSQL(c.sql)); got != c.want {
				t.Errorf("FormatSQL(%q) =\n%s\nwant\n%s", c.sql, got, c.want)
			}
		})
	}
}

func TestFormatSQLCutsAHugeStatement(t *testing.T) {
	sql := "INSERT INTO t VALUES " + strings.Repeat("(1, 'é'), ", 10_000)
	toks := formatSQL(sql)
	last := toks[len(toks)-1]
	if last.Kind != sqlComment || !strings.HasSuffix(last.Text, "more") {
		t.Errorf("last token = %+v, want a note of what was left out", last)
	}
	total := 0
	for _, tok := range toks {
		total += len(tok.Text)
		if !utf8.ValidString(tok.Text) {
			t.Fatalf("token %q is not valid UTF-8", tok.Text)
		}
	}
	if total > 33<<10 {
		t.Errorf("%d bytes shown, want about 32 KiB", total)
	}
}

// FuzzFormatSQL checks what FormatSQL promises on any bytes: it terminates;
// the texts differ from the statement only in whitespace, and never lose
// the whitespace between two tokens; a statement longer than 32 KiB is cut
// within a character of it and ends with a note; valid UTF-8 stays valid
// in every token; and the output is bounded. Its corpus is in
// testdata/fuzz/FuzzFormatSQL.
func FuzzFormatSQL(f *testing.F) {
	for _, s := range []string{
		"SELECT a FROM t WHERE b IN (SELECT c FROM u) -- x\nORDER BY 1",
		"INSERT INTO t VALUES ($1, 'a''b', E'\\'', $q$x$q$)",
		"SELECT \"a\"\"b\", `c`, [d] FROM t",
		"SELECT /* unterminated",
		"UPDATE t SET a = :a, b = @b, c = ?1 WHERE d::int > .5e-3",
		"(((SELECT",
		")) WITH",
		// Longer than what is laid out: cut within a character, and cut
		// near 32 KiB even when no byte there starts a character.
		"INSERT INTO t VALUES " + strings.Repeat("(1, 'é€'), ", 3000),
		"SELECT " + strings.Repeat("\x80", 33<<10),
	} {
		f.Add(s)
	}
	const maxFormatted = 32 << 10
	f.Fuzz(func(t *testing.T, sql string) {
		toks := formatSQL(sql)
		in := sql
		if len(sql) > maxFormatted {
			if len(toks) == 0 || toks[len(toks)-1].Kind != sqlComment || !strings.HasSuffix(toks[len(toks)-1].Text, " more") {
				t.Fatalf("FormatSQL of %d bytes does not end with a note of what was left out", len(sql))
			}
			toks = toks[:len(toks)-1]
		}
		var b strings.Builder
		valid := utf8.ValidString(sql) // once: per token, a 32 KiB statement took seconds
		for _, tok := range toks {
			if tok.Text == "" {
				t.Errorf("FormatSQL(%q) has an empty %v token", sql, tok.Kind)
			}
			if valid && !utf8.ValidString(tok.Text) {
				t.Errorf("FormatSQL(%q) has a token %q that is not valid UTF-8", sql, tok.Text)
			}
			b.WriteString(tok.Text)
		}
		out := b.String()
		gotWords, gotBreaks := sqlWords(out)
		wantWords, wantBreaks := sqlWords(in)
		if len(sql) > maxFormatted {
			// Cut at 32 KiB, backing off to the start of a character.
			if !strings.HasPrefix(wantWords, gotWords) || len(gotWords) < len(sqlWordsOf(in[:maxFormatted-utf8.UTFMax+1])) {
				t.Fatalf("FormatSQL of %d bytes shows %d bytes of it, want its first 32 KiB", len(sql), len(gotWords))
			}
			wantWords = gotWords
			wantBreaks = wantBreaks[:len(gotBreaks)]
		}
		if gotWords != wantWords {
			t.Fatalf("FormatSQL(%q) changed more than whitespace: %q", sql, out)
		}
		// Every whitespace of the statement between two of its bytes is
		// still there: a space is never dropped from between tokens.
		for i, brk := range wantBreaks {
			if brk && !gotBreaks[i] {
				t.Fatalf("FormatSQL(%q) = %q drops the whitespace before byte %d of %q", sql, out, i, wantWords)
			}
		}
		// A line break adds at most a newline and 32 spaces of indent, and
		// comes at most once in three bytes ("--\n--\n..."): the output is
		// at most about 12 times the part of the statement laid out.
		if n := min(len(in), maxFormatted); len(out) > 12*n+1024 {
			t.Errorf("FormatSQL of %d bytes gives %d bytes, want at most 12 times as many", n, len(out))
		}
	})
}

// sqlWords returns s without its ASCII whitespace, and for each of the
// bytes left whether whitespace came just before it (never before the
// first). FormatSQL, like the lexer, knows ASCII whitespace only.
func sqlWords(s string) (words string, breaks []bool) {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			space = true
		default:
			breaks = append(breaks, space && b.Len() > 0)
			b.WriteByte(c)
			space = false
		}
	}
	return b.String(), breaks
}

func sqlWordsOf(s string) string { w, _ := sqlWords(s); return w }

// benchSQL is the 300-byte ORM-style query BenchmarkFingerprint uses: quoted
// names, a join, an IN list, string and number literals, a comment and
// several lines.
const benchSQL = `SELECT "orders"."id", "orders"."total", "customers"."email"
FROM "orders" JOIN "customers" ON "customers"."id" = "orders"."customer_id"
WHERE "orders"."status" IN ('paid', 'shipped', 'new') -- open ones
  AND "orders"."created_at" >= $1 AND "orders"."total" > 99.5
ORDER BY "orders"."id" DESC LIMIT 50`

func BenchmarkFormatSQL(b *testing.B) {
	b.Run("strings.ToLower as a one-pass baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchSQL)))
		for b.Loop() {
			_ = strings.ToLower(benchSQL)
		}
	})
	b.Run("formatSQL", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchSQL)))
		for b.Loop() {
			_ = formatSQL(benchSQL)
		}
	})
}
