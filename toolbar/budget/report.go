package budget

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// maxSites is how many sites of one alert a message names.
const maxSites = 3

// maxShapes is how many shapes a message lists.
const maxShapes = 20

// describeAlert is an alert as a failure names it: its kind and message,
// then where its fix belongs, one line each.
func describeAlert(rec *panels.Record, a *panels.Alert) string {
	var b strings.Builder
	b.WriteString(string(a.Kind))
	if a.Accepted {
		b.WriteString(" (accepted)")
	}
	b.WriteString(": ")
	b.WriteString(a.Message)
	for _, f := range rec.SitesOf(a, maxSites) {
		b.WriteString("\n    at ")
		b.WriteString(frame(f))
	}
	return b.String()
}

// writeQueries lists rec's statements by shape: how many ran, the
// fingerprint, and the first line that ran it.
func writeQueries(b *strings.Builder, rec *panels.Record) {
	fmt.Fprintf(b, "  %s in %s:", plural(rec.Stats.Statements, "query", "queries"), plural(len(rec.Shapes), "shape", "shapes"))
	for i, sh := range rec.Shapes {
		if i == maxShapes {
			fmt.Fprintf(b, "\n    ... and %d more shapes", len(rec.Shapes)-maxShapes)
			break
		}
		fmt.Fprintf(b, "\n    %3d× %s", len(sh.Queries), clip(sh.Fingerprint))
		if f := rec.Caller(rec.Queries[sh.Queries[0]].Stack); f.File != "" {
			b.WriteString("\n         at ")
			b.WriteString(frame(f))
		}
	}
	if n := rec.QueriesDropped; n > 0 {
		fmt.Fprintf(b, "\n    (%d more operations not kept: the per-request cap)", n)
	}
}

// frame is a line of code as a failure names it: its file, relative to
// the test's directory when it is near, then its function.
func frame(f panels.Frame) string {
	s := relative(f.File) + ":" + strconv.Itoa(f.Line)
	if f.Function != "" {
		s += " (" + f.Function + ")"
	}
	return s
}

// relative is file relative to the working directory (a test's package
// directory) when it is at most two directories up, else file.
func relative(file string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(file) {
		return file
	}
	rel, err := filepath.Rel(wd, file)
	if err != nil || strings.HasPrefix(rel, filepath.Join("..", "..", "..")) {
		return file
	}
	return rel
}

// clip cuts a fingerprint to what a line shows.
func clip(s string) string {
	const max = 160
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && s[i]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		i--
	}
	return s[:i] + "…"
}

// writeIndented writes s with prefix before each of its lines.
func writeIndented(b *strings.Builder, prefix, s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(prefix)
		b.WriteString(line)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
