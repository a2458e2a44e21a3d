package toolbar

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/debugtoolbar/debugtoolbar/assets"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// toolbarData is what the toolbar's script is given about a request: the
// summary it shows at once and the panels it can open.
type toolbarData struct {
	ID         string       `json:"id"`
	Method     string       `json:"method"`
	Path       string       `json:"path"`
	Status     int          `json:"status"`
	DurationMS float64      `json:"duration_ms"`
	Queries    int          `json:"query_count"`
	Alerts     int          `json:"alert_count"`
	Level      string       `json:"level"`
	Summary    string       `json:"summary"`
	Panels     []panelEntry `json:"panels"`
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

func (tb *Toolbar) toolbarData(rec *panels.Record) toolbarData {
	d := toolbarData{
		ID:             rec.ID,
		Method:         rec.Request.Method,
		Path:           rec.Request.Path,
		Status:         rec.Response.Status,
		DurationMS:     ms(rec.Duration),
		Queries:        rec.Stats.Statements,
		Alerts:         len(rec.Alerts),
		Level:          rec.Stats.Level.String(),
		Summary:        fmt.Sprintf("%s ms, %d queries", formatMS(rec.Duration), rec.Stats.Statements),
		RedirectedFrom: rec.RedirectedFrom,
	}
	for _, p := range tb.panels {
		d.Panels = append(d.Panels, panelEntry{ID: p.ID(), Title: p.Title(), Summary: p.Summary(rec), Level: p.Level(rec).String()})
	}
	return d
}

// formatMS shows a duration in milliseconds, with a decimal below 10 ms.
func formatMS(d time.Duration) string {
	if d < 10*time.Millisecond {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}

// snippet renders what is inserted into an HTML page, its script elements
// with scriptNonce and the stylesheets its script adds with styleNonce
// (either may be ""). The page may be in any charset, so the snippet is
// ASCII: the JSON escapes everything else.
func (tb *Toolbar) snippet(rec *panels.Record, scriptNonce, styleNonce string) ([]byte, error) {
	page := struct {
		Prefix     string      `json:"prefix"`
		Styles     []string    `json:"styles"`
		StyleNonce string      `json:"style_nonce,omitempty"`
		Record     toolbarData `json:"record"`
	}{tb.cfg.Prefix, tb.assets.styles, styleNonce, tb.toolbarData(rec)}
	var data any = page // encoded once, by templ
	if !page.Record.isASCII() {
		raw, err := asciiJSON(page)
		if err != nil {
			return nil, err
		}
		data = raw
	}
	var b bytes.Buffer
	if err := snippet(data, tb.assets.script, scriptNonce).Render(context.Background(), &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// assetURLs are the URLs of the toolbar's assets under its prefix,
// content-hashed.
type assetURLs struct {
	script     string   // toolbar.js
	styles     []string // toolbar.css and panels.css, for the toolbar
	pageStyles []string // panels.css, for the toolbar's own pages
}

func newAssetURLs(prefix string) assetURLs {
	url := func(name string) string { return prefix + "static/" + assets.Path(name) }
	return assetURLs{script: url("toolbar.js"), styles: []string{url("toolbar.css"), url("panels.css")}, pageStyles: []string{url("panels.css")}}
}

// isASCII reports whether every text of d is ASCII (the prefix and asset
// URLs are by construction), so that JSON encodes it as ASCII.
func (d *toolbarData) isASCII() bool {
	ok := isASCII(d.Method) && isASCII(d.Path) && isASCII(d.Summary)
	for _, p := range d.Panels {
		ok = ok && isASCII(p.ID) && isASCII(p.Title) && isASCII(p.Summary)
	}
	for _, f := range d.RedirectedFrom {
		ok = ok && isASCII(f.Method) && isASCII(f.URL)
	}
	return ok
}

// asciiJSON encodes v with every non-ASCII character escaped.
func asciiJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	ascii := true
	for _, c := range b {
		ascii = ascii && c < utf8.RuneSelf
	}
	if ascii {
		return b, nil
	}
	out := make([]byte, 0, len(b)+32)
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return out, nil
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
