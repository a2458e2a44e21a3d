package render

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestCollapseLists(t *testing.T) {
	rows := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", 600), ", ")
	for _, c := range []struct{ name, sql, want string }{
		{"a bulk INSERT keeps its first rows", "INSERT INTO t (a, b, c) VALUES " + rows + " RETURNING id",
			"INSERT INTO t (a, b, c) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), /* … 597 more rows */ RETURNING id"},
		{"a long IN list keeps its first values", "SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)",
			"SELECT * FROM t WHERE id IN (1, 2, 3, /* … 9 more */)"},
		{"a column list is not cut", "SELECT a, b FROM t WHERE (a, b, c, d, e, f, g, h, i, j, k) = (1, 2)",
			"SELECT a, b FROM t WHERE (a, b, c, d, e, f, g, h, i, j, k) = (1, 2)"},
		{"a short VALUES stays", "INSERT INTO t VALUES (?), (?)", "INSERT INTO t VALUES (?), (?)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := collapseLists(c.sql); got != c.want {
				t.Errorf("collapseLists =\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestArgViews(t *testing.T) {
	var args []panels.Arg
	for i := range 25 {
		args = append(args, panels.Arg{Value: int64(i)})
	}
	args[2].Value = strings.Repeat("é", 500)
	shown, rest, n := argViews(args)
	if len(shown) != maxArgs || n != 15 || !strings.HasPrefix(rest, "$11=10  $12=11") {
		t.Fatalf("shown %d, rest %d %q", len(shown), n, rest)
	}
	if a := shown[2]; !strings.HasSuffix(a.Text, "…") || a.Text[:len(a.Text)-len("…")]+a.More != args[2].String() {
		t.Errorf("a long argument is cut to %q + %q", a.Text, a.More)
	}
}

func TestStackRuns(t *testing.T) {
	fs := []panels.Frame{
		{Function: "example.com/app/store.(*Posts).List", File: "/src/app/store/posts.go", Line: 10},
		{Function: "github.com/debugtoolbar/debugtoolbar/toolbar.(*Toolbar).Middleware.func1", File: "/src/dt/toolbar/middleware.go", Line: 5},
		{Function: "github.com/go-chi/chi/v5.(*Mux).ServeHTTP", File: "/home/me/go/pkg/mod/github.com/go-chi/chi/v5@v5.2.3/mux.go", Line: 90},
		{Function: "net/http.HandlerFunc.ServeHTTP", File: "net/http/server.go", Line: 2220},
		{Function: "example.com/app.main", File: "/src/app/main.go", Line: 3},
	}
	runs := stackRuns(fs)
	if len(runs) != 3 || runs[0].Lib || !runs[1].Lib || len(runs[1].Frames) != 2 || runs[2].Lib {
		t.Errorf("runs = %+v", runs)
	}
}

func TestALongStatementShowsItsFirstLines(t *testing.T) {
	sql := "SELECT a FROM t WHERE a = 1"
	for i := range 20 {
		sql += " UNION ALL SELECT a FROM t" + strings.Repeat("x", i)
	}
	head, rest, n := splitLines(formatSQL(sql), maxSQLLines)
	text := func(ts []sqlToken) (s string) {
		for _, t := range ts {
			s += t.Text
		}
		return s
	}
	if got := strings.Count(text(head), "\n") + 1; got != maxSQLLines || n != 63-maxSQLLines || text(head)+text(rest) != text(formatSQL(sql)) {
		t.Errorf("head of %d lines, %d more, and together they are not the statement", got, n)
	}
	if _, rest, _ := splitLines(formatSQL("SELECT 1 FROM t"), maxSQLLines); rest != nil {
		t.Errorf("a short statement is cut")
	}
}
