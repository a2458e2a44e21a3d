// Package callers_test checks that, with sqltrace's defaults, the caller of
// every event that an ORM, a query builder, generated code or a driver
// wrapper stacked around sqltrace makes is the app's line that asked for it.
//
// A line that makes a call carries a marker comment, //at:name, and each
// check names the markers the recorded events' callers must be, in order.
package callers_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	_ "modernc.org/sqlite"
)

// dsn returns the DSN of a new SQLite database file.
func dsn(t *testing.T) string {
	t.Helper()
	return "file:" + filepath.Join(t.TempDir(), "test.db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
}

// openSQLite opens a new SQLite database through sqltrace.
func openSQLite(t *testing.T, opts ...sqltrace.Option) *sql.DB {
	t.Helper()
	db, err := sqltrace.Open("sqlite", dsn(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dsnConnector opens a driver's connections by DSN, for sql.OpenDB and
// sqltrace.OpenDB.
type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// A site is the line a marker marks in a source file.
type site struct {
	file   string // absolute, as runtime.Frame.File has it
	marker string
}

// at is the site of //at:marker in the calling test file.
func at(marker string) site {
	_, file, _, _ := runtime.Caller(1)
	return site{file, marker}
}

// in is the site of //at:marker in the file at rel, a path relative to the
// calling test file's folder.
func in(rel, marker string) site {
	_, file, _, _ := runtime.Caller(1)
	return site{filepath.Join(filepath.Dir(file), filepath.FromSlash(rel)), marker}
}

var markerRE = regexp.MustCompile(`//at:(\S+)`)

var markersByFile sync.Map // file -> map[string]int

// line returns the line of s's marker.
func (s site) line(t *testing.T) int {
	t.Helper()
	m, ok := markersByFile.Load(s.file)
	if !ok {
		src, err := os.ReadFile(s.file)
		if err != nil {
			t.Fatal(err)
		}
		lines := map[string]int{}
		for i, l := range strings.Split(string(src), "\n") {
			for _, sm := range markerRE.FindAllStringSubmatch(l, -1) {
				if _, dup := lines[sm[1]]; dup {
					t.Fatalf("%s: marker %q is on two lines", filepath.Base(s.file), sm[1])
				}
				lines[sm[1]] = i + 1
			}
		}
		m, _ = markersByFile.LoadOrStore(s.file, lines)
	}
	n, ok := m.(map[string]int)[s.marker]
	if !ok {
		t.Fatalf("%s has no marker //at:%s", filepath.Base(s.file), s.marker)
	}
	return n
}

// wantCallers fails unless got recorded one event per site, in the order
// they finished (a query's when its rows closed), each one's caller being
// its site's line; then it forgets the events.
func wantCallers(t *testing.T, got *sqltrace.Captured, sites ...site) {
	t.Helper()
	events := got.Events()
	defer got.Reset()
	var b strings.Builder
	ok := len(events) == len(sites)
	for i, e := range events {
		sqlText := strings.Join(strings.Fields(e.SQL), " ")
		if len(sqlText) > 60 {
			sqlText = sqlText[:60] + "..."
		}
		c := e.Caller()
		fmt.Fprintf(&b, "\n\t%2d %-8s %-65q caller %s:%d (%s)", i, e.Kind, sqlText, filepath.Base(c.File), c.Line, c.Function)
		if i < len(sites) {
			if s := sites[i]; c.File != s.file || c.Line != s.line(t) {
				ok = false
				fmt.Fprintf(&b, "\n\t   want caller %s:%d (//at:%s)", filepath.Base(s.file), s.line(t), s.marker)
			}
		}
	}
	if !ok {
		t.Errorf("recorded %d events, want %d, with these callers:%s", len(events), len(sites), b.String())
	}
}

// wantEveryCaller fails unless got recorded events, every one's caller
// being s's line (for calls whose statements vary with the library's
// version, such as migrations); then it forgets the events.
func wantEveryCaller(t *testing.T, got *sqltrace.Captured, s site) {
	t.Helper()
	n := len(got.Events())
	if n == 0 {
		t.Errorf("recorded no events, want some from //at:%s", s.marker)
	}
	sites := make([]site, n)
	for i := range sites {
		sites[i] = s
	}
	wantCallers(t, got, sites...)
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
