package panels_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// notation writes tokens compactly: plain text as is, others as [kind text].
func notation(toks []panels.SQLToken) string {
	var b strings.Builder
	for _, t := range toks {
		if t.Kind == panels.SQLText {
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
			if got := notation(panels.FormatSQL(c.sql)); got != c.want {
				t.Errorf("FormatSQL(%q) =\n%s\nwant\n%s", c.sql, got, c.want)
			}
		})
	}
}

func TestFormatSQLCutsAHugeStatement(t *testing.T) {
	sql := "INSERT INTO t VALUES " + strings.Repeat("(1, 'é'), ", 10_000)
	toks := panels.FormatSQL(sql)
	last := toks[len(toks)-1]
	if last.Kind != panels.SQLComment || !strings.HasSuffix(last.Text, "more") {
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

// FuzzFormatSQL checks that formatting only changes whitespace, and that
// it keeps valid UTF-8 valid.
func FuzzFormatSQL(f *testing.F) {
	for _, s := range []string{
		"SELECT a FROM t WHERE b IN (SELECT c FROM u) -- x\nORDER BY 1",
		"INSERT INTO t VALUES ($1, 'a''b', E'\\'', $q$x$q$)",
		"SELECT \"a\"\"b\", `c`, [d] FROM t",
		"SELECT /* unterminated",
		"UPDATE t SET a = :a, b = @b, c = ?1 WHERE d::int > .5e-3",
		"(((SELECT",
		")) WITH",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) > 30<<10 {
			return
		}
		var b strings.Builder
		for _, tok := range panels.FormatSQL(sql) {
			b.WriteString(tok.Text)
		}
		noSpace := func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return -1
				}
				return r
			}, s)
		}
		// Compare bytes, not runes: strings.Map rewrites invalid UTF-8.
		strip := func(s string) string {
			if utf8.ValidString(s) {
				return noSpace(s)
			}
			return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' }), "")
		}
		if got, want := strip(b.String()), strip(sql); got != want {
			t.Errorf("FormatSQL(%q) changed more than whitespace: %q", sql, b.String())
		}
		if utf8.ValidString(sql) && !utf8.ValidString(b.String()) {
			t.Errorf("FormatSQL(%q) = %q is not valid UTF-8", sql, b.String())
		}
	})
}
