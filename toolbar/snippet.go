package toolbar

import (
	"bytes"
	"context"
	"github.com/a-h/templ"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// toolbarData is what the toolbar's script is given about a request: the
// summary it shows at once and the panels it can open.
type toolbarData struct {
	ID         string  `json:"id"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Queries    int     `json:"query_count"`
	Alerts     int     `json:"alert_count"`
	Level      string  `json:"level"`
	// TopAlert is the message of the most severe alert not accepted,
	// shown on the handle.
	TopAlert string `json:"top_alert,omitempty"`
	// Warnings counts the alerts not accepted that are warnings or worse:
	// the handle's ⚠ count.
	Warnings int          `json:"warning_count,omitempty"`
	Summary  string       `json:"summary"`
	Panels   []panelEntry `json:"panels"`
	// RedirectedFrom are the requests that redirected to this one, first
	// hop first, for the links in the toolbar's head.
	RedirectedFrom []panels.Redirect `json:"redirected_from,omitempty"`
}

type panelEntry struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Level   string `json:"level"`
}

// toolbarData returns what the script is given about rec, its panels
// appended to ps, their summaries written in scratch (nil for a buffer of
// its own).
func (tb *Toolbar) toolbarData(rec *panels.Record, ps []panelEntry, scratch *[]byte) toolbarData {
	sum := rec.Summary()
	d := toolbarData{
		ID:             rec.ID,
		Method:         rec.Request.Method,
		Path:           rec.Request.Path,
		Status:         rec.Response.Status,
		DurationMS:     ms(rec.Duration),
		Queries:        rec.Stats.Statements,
		Alerts:         sum.Alerts, // the plans' alerts too
		Level:          sum.Level.String(),
		Summary:        formatMS(rec.Duration) + " ms, " + queriesText(rec.Stats.Statements),
		RedirectedFrom: rec.RedirectedFrom,
		Panels:         slices.Grow(ps, len(tb.panels)),
	}
	var top *panels.Alert
	for i := range rec.Alerts {
		a := &rec.Alerts[i]
		if a.Accepted {
			continue
		}
		if a.Severity > panels.Info {
			d.Warnings++
		}
		if top == nil || a.Severity > top.Severity {
			top = a
		}
	}
	if top != nil && top.Severity > panels.Info {
		d.TopAlert = top.Message
	}
	// The panels' summaries, appended one after the other and made one
	// string, cut at ends.
	var sums []byte
	if scratch != nil {
		sums = (*scratch)[:0]
	}
	var endsBuf [16]int
	ends := endsBuf[:0]
	for _, p := range tb.panels {
		sums = render.AppendSummary(sums, p, rec)
		ends = append(ends, len(sums))
	}
	all := string(sums)
	if scratch != nil {
		*scratch = sums
	}
	start := 0
	for i, p := range tb.panels {
		d.Panels = append(d.Panels, panelEntry{ID: p.ID(), Title: p.Title(), Summary: all[start:ends[i]], Level: p.Level(rec).String()})
		start = ends[i]
	}
	return d
}

// queriesText is "1 query" or "3 queries".
func queriesText(n int) string {
	if n == 1 {
		return "1 query"
	}
	return strconv.Itoa(n) + " queries"
}

// formatMS shows a duration in milliseconds, with a decimal below 10 ms.
func formatMS(d time.Duration) string {
	if d < 10*time.Millisecond {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}

// snippet renders what is inserted into an HTML page into buf, its
// script elements with scriptNonce and the stylesheets its script adds
// with styleNonce (either may be ""), and returns it. The page may be in
// any charset, so the snippet is ASCII: the JSON escapes everything else.
func (tb *Toolbar) snippet(rec *panels.Record, scriptNonce, styleNonce string, buf *snippetBuf) ([]byte, error) {
	d := tb.toolbarData(rec, buf.panels[:0], &buf.sums)
	buf.panels = d.Panels
	buf.data = appendSnippetData(buf.data[:0], tb.snippetHead, styleNonce, &d)
	buf.out.Reset()
	buf.out.Grow(len(buf.data) + 512)
	writeDataScript(&buf.out, buf.data, scriptNonce)
	if scriptNonce == "" {
		buf.out.WriteString(tb.assets.scriptTag)
	} else if err := snippetScript(tb.assets.script, scriptNonce).Render(context.Background(), &buf.out); err != nil {
		return nil, err
	}
	return buf.out.Bytes(), nil
}

// snippetBuf is what a page's snippet is rendered into. It is recycled
// (getSnippetBuf, release) once the page went out: the response writer
// copies the markup into the page, and nothing else keeps it.
type snippetBuf struct {
	panels []panelEntry
	sums   []byte       // the panels' summaries
	data   []byte       // the snippet's JSON
	out    bytes.Buffer // the markup
}

var snippetBufs = sync.Pool{New: func() any { return new(snippetBuf) }}

func getSnippetBuf() *snippetBuf { return snippetBufs.Get().(*snippetBuf) }

// maxPooledSnippet is the largest buffer kept: a page with long panel
// summaries or many redirects is rare, and its buffer goes to the GC.
const maxPooledSnippet = 16 << 10

func (b *snippetBuf) release() {
	if b == nil || b.out.Cap() > maxPooledSnippet || cap(b.data) > maxPooledSnippet || cap(b.sums) > maxPooledSnippet {
		return
	}
	clear(b.panels)
	snippetBufs.Put(b)
}

// writeDataScript writes the element that carries the snippet's data, as
// templ.JSONScript writes one; templ does not interpolate into a script
// element, and data is already encoded for one (see appendSnippetData).
func writeDataScript(b *bytes.Buffer, data []byte, nonce string) {
	b.WriteString(`<script id="debugtoolbar-data" type="application/json"`)
	if nonce != "" {
		b.WriteString(` nonce="`)
		b.WriteString(templ.EscapeString(nonce))
		b.WriteByte('"')
	}
	b.WriteByte('>')
	b.Write(data)
	b.WriteString("</script>")
}

// assetURLs are the URLs of the toolbar's assets under its prefix,
// content-hashed.
type assetURLs struct {
	script     string   // toolbar.js
	scriptTag  string   // snippetScript without a nonce
	styles     []string // toolbar.css and panels.css, for the toolbar
	pageStyles []string // panels.css, for the toolbar's own pages
	// pageScripts are the toolbar's own pages' scripts: pages.js (Explain, Accept, Clear the list).
	pageScripts []string
}

func newAssetURLs(prefix string) assetURLs {
	url := func(name string) string { return prefix + "static/" + assets.Path(name) }
	a := assetURLs{script: url("toolbar.js"), styles: []string{url("toolbar.css"), url("panels.css")}, pageStyles: []string{url("panels.css")}, pageScripts: []string{url("pages.js")}}
	var b strings.Builder
	if err := snippetScript(a.script, "").Render(context.Background(), &b); err != nil {
		panic(err) // writes to a strings.Builder, of a URL the toolbar made: cannot fail
	}
	a.scriptTag = b.String()
	return a
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
