package render

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// timerPanel shows where the request's time went: in SQL, in the cache, in
// spans and in the app's own code, and a waterfall of every query, cache
// call and span on the request's time axis.
type timerPanel struct{}

// ID implements panels.Panel.
func (timerPanel) ID() string { return "timer" }

// Title implements panels.Panel.
func (timerPanel) Title() string { return "Timer" }

// Summary implements panels.Panel: "120 ms, 41.2 ms in SQL".
func (p timerPanel) Summary(r *panels.Record) string { return string(p.AppendSummary(nil, r)) }

// AppendSummary appends Summary(r) to b.
func (timerPanel) AppendSummary(b []byte, r *panels.Record) []byte {
	if r.Duration <= 0 {
		return b
	}
	b = appendDuration(b, r.Duration)
	if t := r.Stats.SQLTime; t > 0 {
		b = append(appendDuration(append(b, ", "...), t), " in SQL"...)
	}
	return b
}

// Level implements panels.Panel: Warning when a span ended with an error.
func (timerPanel) Level(r *panels.Record) panels.Severity {
	if r.Stats.SpanErrors > 0 {
		return panels.Warning
	}
	return panels.Info
}

// Content implements panels.Panel.
func (timerPanel) Content(r *panels.Record) templ.Component { return timerContent(newTimerView(r)) }

// maxWaterfall is how many items the waterfall draws.
const maxWaterfall = 500

// svgWidth is the width of the waterfall's viewBox: bars are drawn in
// thousandths of the request.
const svgWidth = 1000

// timerView is the Timer panel, computed.
type timerView struct {
	Total, SQL, Cache, Spans, App time.Duration
	// Unattributed is the time of queries that ran meanwhile on goroutines
	// the request did not start: not the app's own code, maybe not even
	// the request's.
	Unattributed time.Duration
	// Parts of the breakdown bar, in viewBox units.
	Bar   []barPart
	Items []waterfallItem
	More  int // items not drawn
	Ticks []string
	Late  int
}

type barPart struct {
	Class, Label string
	X, W         string
}

// waterfallItem is one bar of the waterfall.
type waterfallItem struct {
	Kind  string // "sql", "cache", "span"
	Label string
	Title string
	Href  string // the query's anchor, for SQL
	Start time.Duration
	Dur   time.Duration
	X, W  string
	Err   bool
}

func newTimerView(r *panels.Record) *timerView {
	v := &timerView{Total: r.Duration, SQL: r.Stats.SQLTime, Cache: r.Stats.CacheTime, Spans: r.Stats.SpanTime, Late: r.Late(), Unattributed: r.UnattributedTime}
	v.App = max(v.Total-v.SQL-v.Cache-v.Unattributed, 0)

	n := len(r.Queries) + len(r.Cache) + len(r.Spans)
	items := make([]waterfallItem, 0, n)
	for i := range r.Queries {
		e := &r.Queries[i]
		items = append(items, waterfallItem{Kind: "sql", Label: queryLabel(i, e), Href: queryAnchor(i),
			Start: e.Start, Dur: e.Duration, Err: e.Err != ""})
	}
	for i := range r.Cache {
		e := &r.Cache[i]
		label := e.Op + " " + e.Key
		switch {
		case e.Read && e.Hit:
			label += " (hit)"
		case e.Read:
			label += " (miss)"
		}
		items = append(items, waterfallItem{Kind: "cache", Label: truncate(label, 100),
			Start: e.Start, Dur: e.Duration, Err: e.Err != ""})
	}
	for i := range r.Spans {
		s := &r.Spans[i]
		items = append(items, waterfallItem{Kind: "span", Label: truncate(s.Name, 100),
			Start: s.Start, Dur: s.Duration, Err: s.Err != ""})
	}
	slices.SortStableFunc(items, func(a, b waterfallItem) int { return cmp.Compare(a.Start, b.Start) })

	// The axis is the request; events from goroutines that outlived it
	// stretch it rather than fall off the end.
	axis := v.Total
	for i := range items {
		axis = max(axis, items[i].Start+items[i].Dur)
	}
	axis = max(axis, time.Microsecond)
	if len(items) > maxWaterfall {
		v.More = len(items) - maxWaterfall
		items = items[:maxWaterfall]
	}
	for i := range items {
		it := &items[i]
		it.X, it.W = span(it.Start, it.Dur, axis)
		it.Title = "+" + formatDuration(it.Start) + ", " + formatDuration(it.Dur) + ": " + it.Label
	}
	v.Items = items
	for i := range 5 {
		v.Ticks = append(v.Ticks, formatDuration(axis*time.Duration(i)/4))
	}

	// The breakdown bar: SQL, cache and app code side by side. Queries run
	// in parallel can add up to more than the request; then the parts are
	// scaled to their sum.
	whole := max(v.Total, v.SQL+v.Cache+v.Unattributed, time.Microsecond)
	var x time.Duration
	for _, p := range []struct {
		class, label string
		d            time.Duration
	}{{"dt-wf-sql", "SQL", v.SQL}, {"dt-wf-cache", "Cache", v.Cache}, {"dt-wf-unattributed", "SQL not tied to this request", v.Unattributed}, {"dt-wf-app", "App code", v.App}} {
		if p.d <= 0 {
			continue
		}
		bx, bw := span(x, p.d, whole)
		v.Bar = append(v.Bar, barPart{Class: p.class, Label: p.label + ": " + formatDuration(p.d) + " (" + percent(float64(p.d), float64(whole)) + ")", X: bx, W: bw})
		x += p.d
	}
	return v
}

// minBar is the narrowest bar, in viewBox units: about 2 px in a 500 px
// track, so that a microsecond query among a thousand is a mark, not a
// hairline.
const minBar = 4

// span places a stretch of time on an axis in viewBox units, at least
// minBar wide so that short events stay visible.
func span(start, d, axis time.Duration) (x, w string) {
	fx := min(float64(start)/float64(axis)*svgWidth, svgWidth-1)
	fw := min(max(float64(d)/float64(axis)*svgWidth, minBar), svgWidth-fx)
	return strconv.FormatFloat(fx, 'f', 1, 64), strconv.FormatFloat(fw, 'f', 1, 64)
}

// queryLabel is a query on one short line: "#3 SELECT name FROM authors
// WHERE id = ?".
func queryLabel(i int, e *panels.Query) string {
	text := e.SQL
	if text == "" {
		text = strings.ToUpper(e.Kind.String())
		if e.Tx != 0 {
			text += " tx " + strconv.Itoa(int(e.Tx))
		}
	}
	return "#" + strconv.Itoa(i+1) + " " + truncate(strings.Join(strings.Fields(truncate(text, 200)), " "), 100)
}

// queryAnchor is the id of a query's row in the SQL panel.
func queryAnchor(i int) string { return "debugtoolbar-query-" + strconv.Itoa(i+1) }
