package budget

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// DefaultScales are the sizes ConstantQueries seeds when Runner.Scales is
// nil.
var DefaultScales = []int{2, 5, 10}

// ConstantQueries fails the test when the queries req runs grow with the
// data. For each scale n (2, 5 and 10 by default), smallest first, it calls
// seed(n), then serves a copy of req with h (see Serve) and counts its
// statements by shape (panels.Record.Shapes: the statements that differ
// only in their values). It reports, with t.Error, each shape that ran
// more often at the largest scale than at the smallest: how often at each
// scale, how many more per item, and the lines that ran it. It also fails
// when the responses' statuses differ from one scale to another, since
// the counts of a failed page say nothing.
//
// seed must leave exactly n of the items the page lists (delete the
// previous run's, or seed a fresh database), each with whatever the page
// shows of it; its own queries are not counted. req's body, if any, is
// read once and given to every run.
func ConstantQueries(t testing.TB, h http.Handler, req *http.Request, seed func(n int)) {
	t.Helper()
	Runner{}.ConstantQueries(t, h, req, seed)
}

// ConstantQueries is the package's ConstantQueries with r's Config and
// Scales.
func (r Runner) ConstantQueries(t testing.TB, h http.Handler, req *http.Request, seed func(n int)) {
	t.Helper()
	scales := slices.Clone(r.Scales)
	if scales == nil {
		scales = slices.Clone(DefaultScales)
	}
	slices.Sort(scales)
	scales = slices.Compact(scales)
	if len(scales) < 2 {
		t.Fatalf("budget: ConstantQueries needs at least two different scales, have %v", r.Scales)
	}
	next, err := replayable(req)
	if err != nil {
		t.Fatalf("budget: %s %s: %v", req.Method, req.URL, err)
	}
	tb := r.toolbar(t)
	runs := make([]run, len(scales))
	for i, n := range scales {
		seed(n)
		rec, w := serve(t, tb, h, next())
		runs[i] = run{n: n, rec: rec, status: w.Code}
	}
	if msg := growth(runs); msg != "" {
		t.Errorf("budget: %s %s: %s", req.Method, req.URL, msg)
	}
}

// run is one request of ConstantQueries, at one scale.
type run struct {
	n      int
	rec    *panels.Record
	status int
}

// growth says how the runs' statements grew with n, or "" when they did
// not.
func growth(runs []run) string {
	first, last := runs[0], runs[len(runs)-1]
	for _, r := range runs[1:] {
		if r.status != first.status {
			return fmt.Sprintf("the responses differ with the data (%s), so their queries cannot be compared",
				list(runs, func(r run) string { return "status " + strconv.Itoa(r.status) }))
		}
	}
	var b strings.Builder
	grew := 0
	for _, fp := range fingerprints(runs) {
		counts := make([]int, len(runs))
		for i, r := range runs {
			counts[i] = shapeCount(r.rec, fp)
		}
		if counts[len(counts)-1] <= counts[0] {
			continue
		}
		grew++
		per := float64(counts[len(counts)-1]-counts[0]) / float64(last.n-first.n)
		fmt.Fprintf(&b, "\n    %s\n      ran %s: %s per item", clip(fp),
			list(runs, func(r run) string { return strconv.Itoa(shapeCount(r.rec, fp)) + " at n=" + strconv.Itoa(r.n) }),
			"+"+strconv.FormatFloat(per, 'g', 3, 64))
		for _, f := range sitesOfShape(last.rec, fp) {
			b.WriteString("\n      at ")
			b.WriteString(frame(f))
		}
	}
	if grew == 0 {
		return ""
	}
	return fmt.Sprintf("the queries grow with the data (%s); %s:%s",
		list(runs, func(r run) string {
			return plural(r.rec.Stats.Statements, "query", "queries") + " at n=" + strconv.Itoa(r.n)
		}),
		plural(grew, "shape grew", "shapes grew"), b.String())
}

// fingerprints are the shapes of the runs, in the order the last run (or,
// for those it did not run, the earlier ones) first ran them.
func fingerprints(runs []run) []string {
	var out []string
	for i := len(runs) - 1; i >= 0; i-- {
		for _, sh := range runs[i].rec.Shapes {
			if !slices.Contains(out, sh.Fingerprint) {
				out = append(out, sh.Fingerprint)
			}
		}
	}
	return out
}

// shapeCount is how many statements of the shape fp rec ran.
func shapeCount(rec *panels.Record, fp string) int {
	for _, sh := range rec.Shapes {
		if sh.Fingerprint == fp {
			return len(sh.Queries)
		}
	}
	return 0
}

// sitesOfShape is where the fix of the shape fp belongs in rec: the sites
// of an alert about its statements that has some (an N+1's loop), or the
// lines that ran them.
func sitesOfShape(rec *panels.Record, fp string) []panels.Frame {
	for _, sh := range rec.Shapes {
		if sh.Fingerprint != fp {
			continue
		}
		for i := range rec.Alerts {
			if a := &rec.Alerts[i]; len(a.Sites) > 0 && slices.Contains(a.Queries, sh.Queries[0]) {
				return rec.SitesOf(a, maxSites)
			}
		}
		return rec.SitesOf(&panels.Alert{Queries: sh.Queries}, maxSites)
	}
	return nil
}

// list is f of each run, joined with commas.
func list(runs []run, f func(run) string) string {
	s := make([]string, len(runs))
	for i, r := range runs {
		s[i] = f(r)
	}
	return strings.Join(s, ", ")
}
