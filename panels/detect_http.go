package panels

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// serialFix is how to run independent calls together.
const serialFix = "Start the calls together and wait for all of them: g, ctx := errgroup.WithContext(r.Context()) from golang.org/x/sync/errgroup, one g.Go per call made with ctx, then if err := g.Wait(); err != nil { ... }; " +
	"or a sync.WaitGroup (wg.Go) with each result in its own variable. The request then takes as long as the slowest call, not their sum."

// Bounds of serial_http_calls.
const (
	// serialMinSaving is how much time running a run's calls together
	// must save (their sum less the longest) for it to be reported: calls
	// to a service on the same host take a fraction of a millisecond,
	// and running those together saves nothing worth the code.
	serialMinSaving = 2 * time.Millisecond
	// maxSerialRuns is how many runs one record reports.
	maxSerialRuns = 5
)

// serialHTTPAlerts raise serial_http_calls: two or more outgoing calls
// (spans toolbar.Transport recorded) that ran one after another and, as
// far as the record shows, did not depend on each other, so they could
// have run at the same time. A run is calls taken in the order they
// started where
//
//   - each started after the one before it ended (calls that overlap
//     already run concurrently);
//   - each has a method and URL no other call of the run has (the same
//     URL again is a retry, a poll or a duplicate, not independent work);
//   - no database operation, cache call or other span began between one
//     call's end and the next one's start (the next call may need what it
//     read).
//
// The record is one request's, so its calls come from one handler and the
// goroutines it started. What the record cannot show is a call built from
// the previous call's response (an id read from its body): such a pair
// looks the same, which is why the fix names the rule and does not claim
// more. A run is reported when running its calls together would save at
// least serialMinSaving.
func (r *Record) serialHTTPAlerts() []Alert {
	var calls []int32
	for i := range r.Spans {
		if r.Spans[i].HTTP != nil {
			calls = append(calls, int32(i))
		}
	}
	if len(calls) < 2 {
		return nil
	}
	slices.SortStableFunc(calls, func(a, b int32) int { return cmp.Compare(r.Spans[a].Start, r.Spans[b].Start) })
	var alerts []Alert
	run := calls[:1:1]
	flush := func() {
		if len(run) >= 2 && len(alerts) < maxSerialRuns {
			if a, ok := r.serialAlert(run); ok {
				alerts = append(alerts, a)
			}
		}
	}
	for _, c := range calls[1:] {
		if !r.follows(run, c) {
			flush()
			run = nil
		}
		run = append(run, c)
	}
	flush()
	return alerts
}

// follows reports whether call c may join run, the calls before it.
func (r *Record) follows(run []int32, c int32) bool {
	prev, next := &r.Spans[run[len(run)-1]], &r.Spans[c]
	gapStart, gapEnd := prev.Start+prev.Duration, next.Start
	if gapEnd < gapStart {
		return false // they overlap
	}
	for _, i := range run {
		if h := r.Spans[i].HTTP; h.Method == next.HTTP.Method && h.URL == next.HTTP.URL {
			return false
		}
	}
	between := func(start time.Duration) bool { return start >= gapStart && start <= gapEnd }
	for i := range r.Queries {
		if between(r.Queries[i].Start) {
			return false
		}
	}
	for i := range r.Cache {
		if between(r.Cache[i].Start) {
			return false
		}
	}
	for i := range r.Spans {
		if s := &r.Spans[i]; s.HTTP == nil && between(s.Start) {
			return false
		}
	}
	return true
}

// serialAlert is the alert of a run of serial calls, and whether it saves
// enough to be raised.
func (r *Record) serialAlert(run []int32) (Alert, bool) {
	var sum, longest time.Duration
	sites := siteSet{r: r}
	for _, i := range run {
		d := r.Spans[i].Duration
		sum += d
		longest = max(longest, d)
		sites.add(r.Spans[i].Stack)
	}
	if sum-longest < serialMinSaving {
		return Alert{}, false
	}
	first, last := &r.Spans[run[0]], &r.Spans[run[len(run)-1]]
	elapsed := last.Start + last.Duration - first.Start
	return Alert{Kind: AlertSerialHTTP, Severity: Warning, Spans: slices.Clone(run), Sites: sites.sites,
		Message: fmt.Sprintf("%d outgoing HTTP calls ran one after another (%s %s%s first), %s from the first's start to the last's end, at %s; run together they would take about %s",
			len(run), first.HTTP.Method, first.HTTP.Host, first.HTTP.Path, shortDur(elapsed), sites.where(), shortDur(longest)),
		Fix: serialFix}, true
}
