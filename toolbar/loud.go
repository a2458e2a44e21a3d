package toolbar

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/respwriter"
)

// Loud is the toolbar's loud mode (Config.Loud), for problems that must
// not wait for someone to open the toolbar, like Ruby's Bullet. It applies
// only to observed requests: a client the toolbar does not show itself to
// sees nothing of it.
//
// For each observed request, once its record is finished, every loud alert
// is logged to Config.Logger at level Warn, with the request, its call site
// (file:line, where the fix belongs) and the link to the record.
//
// The response carries "X-Debug-Alerts: <count of loud alerts>" when its
// headers are sent after the record is finished: an HTML page the toolbar
// holds to inject itself, and any response the handler wrote nothing of.
// Other responses (JSON, files, streams, anything flushed, and every
// response whose headers went out while the handler ran) send their headers
// before the alerts are known, so they carry no X-Debug-Alerts; their
// alerts are still logged, and their X-Debug-Token names the record. A
// header with 0 says the record was checked and nothing loud was found.
//
// With Raise, an HTML page the toolbar holds whole and would inject itself
// into is replaced, when it has a loud alert, by an error page of status
// 500 that names them, with the toolbar in it. The record shows the
// response served (the 500) and the app's queries and alerts; the page the
// app wrote is not kept. Streamed, non-HTML and fragment responses are
// never replaced: their headers, or their bytes, go out as the app writes
// them, before the alerts are known.
type Loud struct {
	// Kinds are the alert kinds that are loud. Empty means every alert of
	// severity Warning or Danger; Info alerts (queries without the
	// request's context, dropped operations) are advice and are loud only
	// when named here. An accepted alert (panels.Alert.Accepted) is never
	// loud.
	Kinds []panels.AlertKind
	// Raise replaces a held HTML page that has a loud alert with an error
	// page (status 500) naming them, as Bullet's raise mode does.
	Raise bool
}

// loudState is one request's loud alerts, known once its record is
// finished.
type loudState struct {
	alerts   []panels.Alert
	finished bool
}

// loudAlerts returns the alerts of rec that cfg makes loud, nil when loud
// mode is off.
func loudAlerts(cfg *Loud, rec *panels.Record) []panels.Alert {
	if cfg == nil {
		return nil
	}
	var out []panels.Alert
	for _, a := range rec.Alerts {
		switch {
		case a.Accepted:
		case len(cfg.Kinds) == 0 && a.Severity >= panels.Warning, slices.Contains(cfg.Kinds, a.Kind):
			out = append(out, a)
		}
	}
	return out
}

// logLoud logs the loud alerts of rec, one line each.
func (tb *Toolbar) logLoud(rec *panels.Record, alerts []panels.Alert) {
	for i := range alerts {
		a := &alerts[i]
		args := []any{"kind", string(a.Kind), "severity", a.Severity.String(),
			"request", rec.Request.Method + " " + rec.Request.URL, "record", tb.cfg.Prefix + "requests/" + rec.ID}
		if sites := rec.SitesOf(a, 1); len(sites) > 0 {
			args = append(args, "site", sites[0].File+":"+strconv.Itoa(sites[0].Line), "function", sites[0].Function)
		}
		tb.log.Warn("debugtoolbar: "+a.Message, args...)
	}
}

// alertsHeader sets X-Debug-Alerts to the count of loud alerts.
func alertsHeader(h http.Header, alerts []panels.Alert) {
	h["X-Debug-Alerts"] = []string{strconv.Itoa(len(alerts))}
}

// raise is the error page served instead of p when loud mode raises: the
// loud alerts of rec, under the toolbar's own page policy.
func (tb *Toolbar) raise(rec *panels.Record, alerts []panels.Alert, p respwriter.Page) (respwriter.Replacement, bool) {
	if tb.cfg.Loud == nil || !tb.cfg.Loud.Raise || len(alerts) == 0 {
		return respwriter.Replacement{}, false
	}
	items := make([]render.RaisedAlert, len(alerts))
	for i := range alerts {
		items[i] = render.RaisedAlert{Alert: alerts[i], Sites: rec.SitesOf(&alerts[i], 5)}
	}
	var b bytes.Buffer
	page := render.RaisedPage{Data: tb.pageData(), Record: rec, Alerts: items, Status: p.Status, Size: p.Size}
	if err := render.Raised(page).Render(context.Background(), &b); err != nil {
		tb.log.Error("debugtoolbar: rendering the loud mode's error page; the app's page is served", "error", err)
		return respwriter.Replacement{}, false
	}
	return respwriter.Replacement{Status: http.StatusInternalServerError, Body: b.Bytes(), Header: http.Header{
		"Content-Type":                        {"text/html; charset=utf-8"},
		"Content-Security-Policy":             {pageCSP},
		"Content-Security-Policy-Report-Only": nil,
		"Cache-Control":                       {"no-store"},
		"X-Content-Type-Options":              {"nosniff"},
		"Etag":                                nil,
		"Last-Modified":                       nil,
	}}, true
}
