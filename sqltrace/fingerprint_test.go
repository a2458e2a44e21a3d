package sqltrace_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

func TestFingerprint(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want string
	}{
		// ORMs and query builders.
		{
			name: "a Django queryset folds the IN list and keeps quoted names",
			sql:  `SELECT "polls_choice"."id", "polls_choice"."question_id", "polls_choice"."choice_text" FROM "polls_choice" WHERE "polls_choice"."question_id" IN (1, 2, 3, 4)`,
			want: `select "polls_choice"."id", "polls_choice"."question_id", "polls_choice"."choice_text" from "polls_choice" where "polls_choice"."question_id" in (?)`,
		},
		{
			name: "a Django select_related join keeps its ON clause",
			sql:  `SELECT "blog_entry"."id", "blog_blog"."name" FROM "blog_entry" INNER JOIN "blog_blog" ON ("blog_entry"."blog_id" = "blog_blog"."id") WHERE "blog_entry"."pub_date" >= '2024-01-01T00:00:00+00:00'::timestamptz LIMIT 21`,
			want: `select "blog_entry"."id", "blog_blog"."name" from "blog_entry" inner join "blog_blog" on ("blog_entry"."blog_id" = "blog_blog"."id") where "blog_entry"."pub_date" >= ?::timestamptz limit ?`,
		},
		{
			name: "a Rails finder with pg placeholders folds LIMIT too",
			sql:  `SELECT "posts".* FROM "posts" WHERE "posts"."author_id" = $1 LIMIT $2`,
			want: `select "posts".* from "posts" where "posts"."author_id" = ? limit ?`,
		},
		{
			name: "a Rails insert with RETURNING keeps the column list",
			sql:  `INSERT INTO "comments" ("body", "post_id", "created_at", "updated_at") VALUES ($1, $2, $3, $4) RETURNING "id"`,
			want: `insert into "comments"("body", "post_id", "created_at", "updated_at") values (?, ?, ?, ?) returning "id"`,
		},
		{
			name: "a GORM query with backticks and MySQL placeholders keeps IS NULL",
			sql:  "SELECT * FROM `users` WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1",
			want: "select * from `users` where `users`.`id` = ? and `users`.`deleted_at` is null order by `users`.`id` limit ?",
		},
		{
			name: "a GORM preload expands placeholders in IN",
			sql:  "SELECT * FROM `orders` WHERE `orders`.`user_id` IN (?,?,?,?,?,?,?,?)",
			want: "select * from `orders` where `orders`.`user_id` in (?)",
		},
		{
			name: "sqlx.In output collapses like any IN list",
			sql:  "SELECT id, name FROM person WHERE id IN (?, ?, ?) AND active = ?",
			want: "select id, name from person where id in (?) and active = ?",
		},
		{
			name: "sqlx named parameters are placeholders",
			sql:  "INSERT INTO person (first_name, last_name, email) VALUES (:first_name, :last_name, :email)",
			want: "insert into person(first_name, last_name, email) values (?, ?, ?)",
		},
		{
			name: "sqlc output loses its name comment and keeps its layout canonical",
			sql:  "-- name: GetAuthor :one\nSELECT id, name, bio FROM authors\nWHERE id = $1 LIMIT 1\n",
			want: "select id, name, bio from authors where id = ? limit ?",
		},
		{
			name: "sqlc ANY with an array parameter stays a call",
			sql:  "-- name: ListAuthorsByIDs :many\nSELECT id, name FROM authors WHERE id = ANY($1::bigint[])",
			want: "select id, name from authors where id = any(?::bigint[])",
		},
		{
			name: "an Entity Framework query keeps bracket identifiers and folds @p0",
			sql:  "SELECT [u].[Id], [u].[Name] FROM [dbo].[Users] AS [u] WHERE [u].[Id] = @p0 AND [u].[Email] LIKE @__email_1",
			want: "select [u].[Id], [u].[Name] from [dbo].[Users] as [u] where [u].[Id] = ? and [u].[Email] like ?",
		},
		{
			name: "SQL Server TOP and N strings fold",
			sql:  "SELECT TOP (10) [Name] FROM [Sales].[Customer] WHERE [Name] = N'Zoë'",
			want: "select top (?) [Name] from [Sales].[Customer] where [Name] = ?",
		},
		{
			name: "Oracle named and numbered binds are placeholders",
			sql:  "SELECT ename FROM emp WHERE empno = :empno AND hiredate > :1",
			want: "select ename from emp where empno = ? and hiredate > ?",
		},
		{
			name: "SQLite numbered and dollar-named parameters are placeholders",
			sql:  "UPDATE notes SET body = ?2 WHERE id = ?1 OR slug = $slug",
			want: "update notes set body = ? where id = ? or slug = ?",
		},

		// Values.
		{
			name: "integers, decimals, exponents and hex all fold",
			sql:  "SELECT 42, 3.14, .5, 1e10, 2.5E-3, 6.02e+23, 0xFF, 7. FROM dual",
			want: "select ?, ?, ?, ?, ?, ?, ?, ? from dual",
		},
		{
			name: "negative numbers after an operator or keyword fold with their sign",
			sql:  "SELECT -1 FROM t WHERE x > -5 AND y = -1.5e3 AND z BETWEEN -10 AND +10",
			want: "select ? from t where x > ? and y = ? and z between ? and ?",
		},
		{
			name: "a minus between operands stays an operator",
			sql:  "SELECT a - 1, a-1, (a)-2, f(x) -3, 4 - -4 FROM t",
			want: "select a - ?, a - ?, (a) - ?, f(x) - ?, ? - ? from t",
		},
		{
			name: "a glued minus sign after = is a sign",
			sql:  "SELECT * FROM t WHERE x=-1 OR y<>-2",
			want: "select * from t where x = ? or y <> ?",
		},
		{
			name: "a sign separated by spaces still folds",
			sql:  "SELECT * FROM t WHERE x = - 1 OR y = + .5",
			want: "select * from t where x = ? or y = ?",
		},
		{
			name: "a CASE returning negative numbers folds each branch",
			sql:  "SELECT CASE WHEN balance < 0 THEN -1 ELSE 1 END AS sign FROM accounts",
			want: "select case when balance < ? then ? else ? end as sign from accounts",
		},
		{
			name: "string literals fold with doubled quotes and backslash escapes",
			sql:  `SELECT * FROM users WHERE name = 'O''Brien' OR name = 'O\'Brien' OR note = 'a\\' AND x = 1`,
			want: `select * from users where name = ? or name = ? or note = ? and x = ?`,
		},
		{
			name: "PostgreSQL escape, bit and hex strings fold",
			sql:  `SELECT E'line\nbreak\'', B'1010', X'1F', e'x' FROM t`,
			want: `select ?, ?, ?, ? from t`,
		},
		{
			name: "dollar-quoted strings fold with or without a tag",
			sql:  "SELECT $$it's a 'quote'$$, $fn$ body $$ inner $$ $fn$, $1",
			want: "select ?, ?, ?",
		},
		{
			name: "booleans fold and NULL stays",
			sql:  "UPDATE flags SET enabled = TRUE, archived = false, note = NULL WHERE deleted_at IS NOT NULL",
			want: "update flags set enabled = ?, archived = ?, note = null where deleted_at is not null",
		},
		{
			name: "typed literals keep their type name",
			sql:  "SELECT * FROM events WHERE at > now() - INTERVAL '7 days' AND day = DATE '2024-01-31'",
			want: "select * from events where at > now() - interval ? and day = date ?",
		},
		{
			name: "LIMIT and OFFSET numbers fold",
			sql:  "SELECT id FROM items ORDER BY id LIMIT 50 OFFSET 100",
			want: "select id from items order by id limit ? offset ?",
		},

		// Lists.
		{
			name: "IN lists of mixed literals and placeholders collapse",
			sql:  "SELECT * FROM t WHERE id IN ($1, 2, 'three', -4, 5.0, TRUE, :six, @p7)",
			want: "select * from t where id in (?)",
		},
		{
			name: "NOT IN collapses too",
			sql:  "SELECT * FROM t WHERE status NOT IN ('a','b')",
			want: "select * from t where status not in (?)",
		},
		{
			name: "IN with a subquery is kept",
			sql:  "SELECT * FROM t WHERE user_id IN (SELECT id FROM users WHERE team_id = 3)",
			want: "select * from t where user_id in (select id from users where team_id = ?)",
		},
		{
			name: "IN with a NULL or a column is kept",
			sql:  "SELECT * FROM t WHERE a IN (1, NULL) AND b IN (c, 2)",
			want: "select * from t where a in (?, null) and b in (c, ?)",
		},
		{
			name: "a row-value IN list collapses its identical tuples",
			sql:  "SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4), (5, 6))",
			want: "select * from t where (a, b) in ((?, ?))",
		},
		{
			name: "multi-row VALUES collapses identical rows",
			sql:  "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), ($1, $2)",
			want: "insert into t(a, b) values (?, ?)",
		},
		{
			name: "multi-row VALUES keeps rows of another shape",
			sql:  "INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 3), (4, DEFAULT)",
			want: "insert into t(a, b) values (?, default), (?, ?), (?, default)",
		},
		{
			name: "a VALUES list in FROM collapses",
			sql:  "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)",
			want: "select * from (values (?, ?)) as v(id, name)",
		},

		// PostgreSQL syntax.
		{
			name: "casts are not named placeholders",
			sql:  "SELECT $1::int, '2024-01-01'::date, id::text, created_at :: date FROM t",
			want: "select ?::int, ?::date, id::text, created_at::date from t",
		},
		{
			name: "JSON operators stay and their keys fold",
			sql:  `SELECT data->>'name', data #>> '{a,b}' FROM docs WHERE data @> '{"a":1}'::jsonb AND data ?| array['a','b'] AND data ?& $2`,
			want: `select data ->> ?, data #>> ? from docs where data @> ?::jsonb and data ?| array[?, ?] and data ?& ?`,
		},
		{
			name: "the jsonb key-exists operator reads as a marker, which prints the same",
			sql:  "SELECT * FROM docs WHERE data ? 'tag'",
			want: "select * from docs where data ? ?",
		},
		{
			name: "a placeholder glued to || stays a placeholder",
			sql:  "SELECT * FROM t WHERE path LIKE ?||'%'",
			want: "select * from t where path like ? || ?",
		},
		{
			name: "a hash is the PostgreSQL operator, not a MySQL comment",
			sql:  "SELECT flags # 4 FROM t",
			want: "select flags # ? from t",
		},
		{
			name: "array subscripts and slices keep their brackets",
			sql:  "SELECT tags[1], matrix[1:2], (ARRAY[1,2])[2] FROM posts",
			want: "select tags[?], matrix[? : ?], (array[?, ?])[?] from posts",
		},
		{
			name: "INSERT ON CONFLICT DO UPDATE keeps EXCLUDED",
			sql:  "INSERT INTO counters (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = counters.n + EXCLUDED.n RETURNING n",
			want: "insert into counters(key, n) values (?, ?) on conflict (key) do update set n = counters.n + excluded.n returning n",
		},
		{
			name: "UPDATE SET x = x + 1 keeps the column on both sides",
			sql:  "UPDATE products SET stock = stock - 1, views = views + 1, updated_at = NOW() WHERE id = 42",
			want: "update products set stock = stock - ?, views = views + ?, updated_at = now() where id = ?",
		},
		{
			name: "a recursive CTE keeps its structure",
			sql: `WITH RECURSIVE tree(id, parent_id, depth) AS (
				SELECT id, parent_id, 0 FROM categories WHERE id = $1
				UNION ALL
				SELECT c.id, c.parent_id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
			) SELECT * FROM tree`,
			want: "with recursive tree(id, parent_id, depth) as (select id, parent_id, ? from categories where id = ? union all select c.id, c.parent_id, t.depth + ? from categories c join tree t on c.parent_id = t.id) select * from tree",
		},
		{
			name: "window functions keep OVER and FILTER",
			sql:  "SELECT id, row_number() OVER(PARTITION BY user_id ORDER BY created_at DESC) AS rn, count(*) FILTER(WHERE amount > 100) OVER w FROM events WINDOW w AS (PARTITION BY user_id)",
			want: "select id, row_number() over (partition by user_id order by created_at desc) as rn, count(*) filter (where amount > ?) over w from events window w as (partition by user_id)",
		},
		{
			name: "assignment := is an operator, not a placeholder",
			sql:  "SELECT total := total + 1",
			want: "select total := total + ?",
		},

		// Names.
		{
			name: "names containing digits stay",
			sql:  "SELECT col_2, t1.c3, 3d_models.x FROM table1 t1, 3d_models",
			want: "select col_2, t1.c3, 3d_models.x from table1 t1, 3d_models",
		},
		{
			name: "quoted identifiers with spaces and case stay as written",
			sql:  `SELECT "First Name", "User ""Quoted""" FROM "User Table" WHERE "Age" > 18`,
			want: `select "First Name", "User ""Quoted""" from "User Table" where "Age" > ?`,
		},
		{
			name: "unquoted names fold to lower case",
			sql:  "SELECT UserName FROM Accounts WHERE IsActive = 1",
			want: "select username from accounts where isactive = ?",
		},
		{
			name: "MySQL system variables are not placeholders",
			sql:  "SELECT @@VERSION, @@session.sql_mode",
			want: "select @@version, @@session.sql_mode",
		},

		// Layout.
		{
			name: "comments are removed wherever they are",
			sql:  "SELECT /* hint */ id -- the id\nFROM t /*+ INDEX(t idx) */ WHERE id = 1 -- trailing",
			want: "select id from t where id = ?",
		},
		{
			name: "multi-line formatting collapses to one line",
			sql:  "\n\tSELECT\n\t\tid,\r\n\t\tname\n\tFROM\n\t\tusers\n\tWHERE\n\t\tid = ?\n",
			want: "select id, name from users where id = ?",
		},
		{
			name: "spaces around commas and parentheses are canonical",
			sql:  "SELECT f( a ,b ), g ( c ), COUNT( * ) FROM t WHERE id IN( 1 ,2 ) AND EXISTS(SELECT 1)",
			want: "select f(a, b), g(c), count(*) from t where id in (?) and exists (select ?)",
		},
		{
			name: "a trailing semicolon is dropped and inner ones are kept",
			sql:  "BEGIN; UPDATE t SET a = 1;;\nCOMMIT ; ",
			want: "begin; update t set a = ?; commit",
		},

		// Edge cases.
		{
			name: "an empty statement gives an empty fingerprint",
			sql:  "",
			want: "",
		},
		{
			name: "only whitespace and comments give an empty fingerprint",
			sql:  " \n -- nothing\n /* here */ ;",
			want: "",
		},
		{
			name: "an unterminated string runs to the end",
			sql:  "SELECT * FROM t WHERE name = 'abc",
			want: "select * from t where name = ?",
		},
		{
			name: "an unterminated comment runs to the end",
			sql:  "SELECT 1 /* never closed",
			want: "select ?",
		},
		{
			name: "an unterminated quoted identifier is kept to the end",
			sql:  `SELECT "abc`,
			want: `select "abc`,
		},
		{
			name: "an unterminated dollar-quoted string runs to the end",
			sql:  "SELECT $tag$ abc",
			want: "select ?",
		},
		{
			name: "non-ASCII names are kept whole",
			sql:  "SELECT straße, 名前 FROM Kunden WHERE Ärger = 'ö'",
			want: "select straße, 名前 from kunden where Ärger = ?",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sqltrace.Fingerprint(tt.sql); got != tt.want {
				t.Errorf("Fingerprint(%q)\n got: %s\nwant: %s", tt.sql, got, tt.want)
			}
		})
	}
}

func TestFingerprintGroupsSameShape(t *testing.T) {
	tests := []struct {
		name string
		sqls []string
	}{
		{
			name: "one id as a literal or any placeholder style",
			sqls: []string{
				"SELECT * FROM users WHERE id = 1",
				"SELECT * FROM users WHERE id = 42",
				"SELECT * FROM users WHERE id = $1",
				"SELECT * FROM users WHERE id = ?",
				"SELECT * FROM users WHERE id = :id",
				"SELECT * FROM users WHERE id = @p1",
				"SELECT * FROM users WHERE id = '42'",
				"SELECT * FROM users WHERE id = -7",
			},
		},
		{
			name: "IN lists of any length",
			sqls: []string{
				"SELECT * FROM t WHERE id IN (1)",
				"SELECT * FROM t WHERE id IN (1, 2, 3)",
				"SELECT * FROM t WHERE id IN ($1, $2)",
				"SELECT * FROM t WHERE id IN (" + strings.Repeat("?, ", 49) + "?)",
			},
		},
		{
			name: "multi-row inserts of any length",
			sqls: []string{
				"INSERT INTO t (a, b) VALUES (1, 2)",
				"INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6)",
				"insert into t(a,b) values(?,?),(?,?)",
			},
		},
		{
			name: "case, whitespace, comments and a trailing semicolon",
			sqls: []string{
				"SELECT  *\nFROM Users\tWHERE Name = 'a';",
				"select * from users where name = ?",
				"/* app:web */ SELECT * FROM users -- hi\n WHERE name = $1",
			},
		},
		{
			name: "spacing around parentheses and commas",
			sqls: []string{
				"SELECT f( a ,b ) FROM t",
				"SELECT f(a, b) FROM t",
				"SELECT F (A,B) FROM T",
			},
		},
		{
			name: "LIMIT with other numbers",
			sqls: []string{
				"SELECT * FROM t LIMIT 10",
				"SELECT * FROM t LIMIT 20",
				"SELECT * FROM t LIMIT $1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sqltrace.Fingerprint(tt.sqls[0])
			for _, sql := range tt.sqls[1:] {
				if got := sqltrace.Fingerprint(sql); got != want {
					t.Errorf("Fingerprint(%q) = %q, want %q as for %q", sql, got, want, tt.sqls[0])
				}
			}
		})
	}
}

func TestFingerprintTellsShapesApart(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"another column", "SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE user_id = 1"},
		{"another table", "SELECT * FROM users WHERE id = 1", "SELECT * FROM accounts WHERE id = 1"},
		{"IS NULL and a value", "SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a = ?"},
		{"another operator", "SELECT * FROM t WHERE a = 1", "SELECT * FROM t WHERE a <> 1"},
		{"< and <=", "SELECT * FROM t WHERE a < 1", "SELECT * FROM t WHERE a <= 1"},
		{"minus and plus", "UPDATE t SET n = n - 1", "UPDATE t SET n = n + 1"},
		{"IN and NOT IN", "SELECT * FROM t WHERE a IN (1)", "SELECT * FROM t WHERE a NOT IN (1)"},
		{"IN a list and IN a subquery", "SELECT * FROM t WHERE a IN (1, 2)", "SELECT * FROM t WHERE a IN (SELECT b FROM u)"},
		{"quoted names of another case", `SELECT * FROM "Users"`, `SELECT * FROM "users"`},
		{"ascending and descending", "SELECT * FROM t ORDER BY a ASC", "SELECT * FROM t ORDER BY a DESC"},
		{"with and without LIMIT", "SELECT * FROM t", "SELECT * FROM t LIMIT 1"},
		{"a cast to another type", "SELECT $1::int", "SELECT $1::text"},
		{"rows of another width", "INSERT INTO t VALUES (1, 2)", "INSERT INTO t VALUES (1, 2, 3)"},
		{"another JSON operator", "SELECT data->'a' FROM t", "SELECT data->>'a' FROM t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fa, fb := sqltrace.Fingerprint(tt.a), sqltrace.Fingerprint(tt.b)
			if fa == fb {
				t.Errorf("Fingerprint(%q) and Fingerprint(%q) are both %q, want them to differ", tt.a, tt.b, fa)
			}
		})
	}
}

func TestFingerprintTakesLinearTime(t *testing.T) {
	tests := []struct {
		name string
		unit string
	}{
		{"a run of plus signs", "+"},
		{"signs between spaces", "- "},
		{"a sign before a number after an operator", "=-1"},
		{"open parentheses", "("},
		{"IN lists inside IN lists", "in ("},
		{"IN lists of markers", "in (1, 2) "},
		{"repeated rows", "values (1), (1), "},
		{"unterminated dollar-quoted strings", "$a"},
		{"digits glued to letters", "0x0e"},
		{"dots and digits", ".1"},
		{"casts and colons", ":::"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No timer: at 1 MiB a quadratic pass takes minutes and a
			// cubic one hours, so the test binary's -timeout catches them.
			sql := strings.Repeat(tt.unit, (1<<20)/len(tt.unit))
			if fp := sqltrace.Fingerprint(sql); len(fp) > 2*len(sql)+16 {
				t.Errorf("fingerprint of %d bytes is %d bytes long", len(sql), len(fp))
			}
		})
	}
}

func ExampleFingerprint() {
	fmt.Println(sqltrace.Fingerprint("SELECT * FROM users WHERE id = 42"))
	fmt.Println(sqltrace.Fingerprint("select *\nfrom Users\nwhere id = $1;"))
	fmt.Println(sqltrace.Fingerprint("SELECT * FROM posts WHERE author_id IN (1, 2, 3) AND deleted_at IS NULL"))
	// Output:
	// select * from users where id = ?
	// select * from users where id = ?
	// select * from posts where author_id in (?) and deleted_at is null
}

// benchQuery is a 300-byte ORM-style query with quoted names, a join, an IN list,
// string and number literals, a comment and several lines.
const benchQuery = `SELECT "orders"."id", "orders"."total", "customers"."email"
FROM "orders" JOIN "customers" ON "customers"."id" = "orders"."customer_id"
WHERE "orders"."status" IN ('paid', 'shipped', 'new') -- open ones
  AND "orders"."created_at" >= $1 AND "orders"."total" > 99.5
ORDER BY "orders"."id" DESC LIMIT 50`

func BenchmarkFingerprint(b *testing.B) {
	b.Run("strings.ToLower as a one-pass baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchQuery)))
		for b.Loop() {
			_ = strings.ToLower(benchQuery)
		}
	})
	b.Run("Fingerprint", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchQuery)))
		for b.Loop() {
			_ = sqltrace.Fingerprint(benchQuery)
		}
	})
}

// FuzzFingerprint checks that Fingerprint terminates on any bytes, with an
// output at most twice its input, idempotent and valid UTF-8 for valid
// UTF-8. Its corpus is in testdata/fuzz/FuzzFingerprint.
func FuzzFingerprint(f *testing.F) {
	for _, seed := range []string{
		"",
		"SELECT * FROM users WHERE id = 1",
		`SELECT "a"."b", [c].[d], ` + "`e`" + ` FROM t WHERE x IN (1, 'two', $3) AND y::int > -4.5e6;`,
		"INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y') ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b",
		"SELECT data->>'k', tags[1:2], ARRAY[1,2] FROM docs WHERE data ?| array['a'] AND d @> $1",
		"SELECT $$a$$, $t$ b $t$, E'c\\'d', 'e''f' /* g */ -- h\n, :name, @p1, ?2",
		"SELECT 'unterminated",
		"SELECT /* unterminated",
		"(((a IN (1,(2),((3, 4), (3, 4))))",
		"x=-1;a - -.5;b::-1;c: ::d;[e][f]g[h]",
		"@A0+++++++++++++++++++++++++++++++++0",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		fp := sqltrace.Fingerprint(sql)
		// Bounded: every token is at most as long as its input and gets at
		// most one space before it ("a,b" gives "a, b"), so the output is
		// at most twice the input; Fingerprint sizes its buffer on it.
		if len(fp) > 2*len(sql) {
			t.Errorf("Fingerprint(%q) = %q, %d bytes from %d, want at most twice the input", sql, fp, len(fp), len(sql))
		}
		if again := sqltrace.Fingerprint(fp); again != fp {
			t.Errorf("Fingerprint is not idempotent for %q:\n once: %q\ntwice: %q", sql, fp, again)
		}
		if utf8.ValidString(sql) && !utf8.ValidString(fp) {
			t.Errorf("Fingerprint(%q) = %q, not valid UTF-8", sql, fp)
		}
	})
}
