package render

import (
	"testing"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestRunnableSQL(t *testing.T) {
	at := time.Date(2025, 3, 14, 15, 9, 26, 500000000, time.UTC)
	for _, c := range []struct {
		name, sql string
		args      []panels.Arg
		want      string
		ok        bool
	}{
		{"question marks take the arguments in order: a string with a quote, NULL and a number",
			"INSERT INTO posts (title, body, views) VALUES (?, ?, ?)",
			[]panels.Arg{{Value: "it's"}, {Value: nil}, {Value: int64(42)}},
			"INSERT INTO posts (title, body, views) VALUES ('it''s', NULL, 42)", true},
		{"PostgreSQL's $n name their argument, may repeat, and bytes are '\\x..'",
			"SELECT $2, $1, $2 FROM t WHERE b = $3",
			[]panels.Arg{{Value: true}, {Value: 1.5}, {Value: []byte{0xde, 0xad}}},
			`SELECT 1.5, TRUE, 1.5 FROM t WHERE b = '\xdead'`, true},
		{"a time is a quoted literal with its zone on PostgreSQL",
			"SELECT * FROM t WHERE at > $1", []panels.Arg{{Value: at}},
			"SELECT * FROM t WHERE at > '2025-03-14 15:09:26.5Z'", true},
		{"bytes are X'..' and times have no zone on MySQL and SQLite",
			"UPDATE t SET b = ?, at = ?", []panels.Arg{{Value: []byte("A")}, {Value: at}},
			"UPDATE t SET b = X'41', at = '2025-03-14 15:09:26.5'", true},
		{"SQL Server's @p1 and booleans as bits",
			"SELECT * FROM t WHERE a = @p1 AND b = @p2", []panels.Arg{{Value: false}, {Value: []byte{1}}},
			"SELECT * FROM t WHERE a = 0 AND b = 0x01", true},
		{":name takes the argument of its name",
			"SELECT * FROM t WHERE slug = :slug AND id = :id", []panels.Arg{{Name: "id", Value: int64(7)}, {Name: "slug", Value: "a-b"}},
			"SELECT * FROM t WHERE slug = 'a-b' AND id = 7", true},
		{"placeholders in strings and comments are not replaced",
			"SELECT '?', ? /* ? */ -- ?\n", []panels.Arg{{Value: int64(1)}},
			"SELECT '?', 1 /* ? */ -- ?\n", true},
		{"a placeholder without an argument stays, and says so",
			"SELECT ?, ?", []panels.Arg{{Value: int64(1)}},
			"SELECT 1, ?", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := runnableSQL(c.sql, c.args)
			if got != c.want || ok != c.ok {
				t.Errorf("runnableSQL = %q, %v\nwant          %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestEditor(t *testing.T) {
	t.Run("a known editor with a path map links the host's path", func(t *testing.T) {
		e, err := NewEditor("vscode", map[string]string{"/app": "/home/me/src/app", "/app/vendor": "/opt/v"})
		if err != nil {
			t.Fatal(err)
		}
		for file, want := range map[string]string{
			"/app/handlers/posts.go":    "vscode://file/home/me/src/app/handlers/posts.go:42",
			"/app/vendor/x/y.go":        "vscode://file/opt/v/x/y.go:42",
			"/application/main.go":      "vscode://file/application/main.go:42", // whole elements only
			"/src/with space/#weird.go": "vscode://file/src/with%20space/%23weird.go:42",
		} {
			if u, ok := e.URL(file, 42); !ok || string(u) != want {
				t.Errorf("URL(%q) = %q, %v, want %q", file, u, ok, want)
			}
		}
		if _, ok := e.URL("net/http/server.go", 1); ok {
			t.Errorf("a -trimpath path got a link")
		}
	})
	t.Run("a template with the path in a query encodes it as a query value", func(t *testing.T) {
		e, _ := NewEditor("goland", nil)
		if u, _ := e.URL("/src/a&b.go", 3); string(u) != "goland://open?file=%2Fsrc%2Fa%26b.go&line=3" {
			t.Errorf("URL = %q", u)
		}
	})
	t.Run("a custom template", func(t *testing.T) {
		e, err := NewEditor("myeditor://open/{path}#L{line}", nil)
		if err != nil {
			t.Fatal(err)
		}
		if u, _ := e.URL("/a.go", 9); string(u) != "myeditor://open//a.go#L9" {
			t.Errorf("URL = %q", u)
		}
	})
	t.Run("no editor makes no links", func(t *testing.T) {
		e, err := NewEditor("", nil)
		if err != nil || e != nil {
			t.Fatalf("NewEditor(\"\") = %v, %v", e, err)
		}
		if _, ok := e.URL("/a.go", 1); ok || e.MapPath("/a.go") != "/a.go" {
			t.Errorf("the nil Editor made a link")
		}
	})
	for _, bad := range []string{"notepad", "javascript:alert({path})", "/open/{path}", "vscode://file/{line}"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			if _, err := NewEditor(bad, nil); err == nil {
				t.Errorf("NewEditor(%q) accepted it", bad)
			}
		})
	}
	t.Run("rejects a path map without an editor", func(t *testing.T) {
		if _, err := NewEditor("", map[string]string{"/app": "/src"}); err == nil {
			t.Errorf("accepted")
		}
	})
}
