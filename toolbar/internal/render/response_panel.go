package render

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// responsePanel shows what the app answered: status, content type, size,
// headers, whether the toolbar could be injected, and a panic if the
// handler raised one.
type responsePanel struct{}

// ID implements panels.Panel.
func (responsePanel) ID() string { return "response" }

// Title implements panels.Panel.
func (responsePanel) Title() string { return "Response" }

// Summary implements panels.Panel: "200 OK, text/html, 12.5 KiB".
func (p responsePanel) Summary(r *panels.Record) string { return string(p.AppendSummary(nil, r)) }

// AppendSummary appends Summary(r) to b.
func (responsePanel) AppendSummary(b []byte, r *panels.Record) []byte {
	if r.Panic != "" {
		return append(append(b, "panic: "...), truncate(r.Panic, 60)...)
	}
	if r.Response.Status == 0 {
		return b
	}
	b = appendStatus(b, r.Response.Status)
	if ct := mediaType(r.Response.ContentType); ct != "" {
		b = append(append(b, ", "...), ct...)
	}
	return appendBytes(append(b, ", "...), r.Response.Size)
}

// Level implements panels.Panel: Danger for a panic or a 5xx status, Warning for a
// 4xx.
func (responsePanel) Level(r *panels.Record) panels.Severity {
	switch {
	case r.Panic != "" || r.Response.Status >= 500:
		return panels.Danger
	case r.Response.Status >= 400:
		return panels.Warning
	}
	return panels.Info
}

// Content implements panels.Panel.
func (responsePanel) Content(r *panels.Record) templ.Component { return responseContent(r) }

// statusLine is "404 Not Found".
// statusCode is the code of statusLine; statusReason the rest, with its
// leading space, which narrow screens leave out.
func statusCode(code int) string {
	if code == 0 {
		return "—"
	}
	return strconv.Itoa(code)
}

func statusReason(code int) string {
	if t := http.StatusText(code); t != "" && code != 0 {
		return " " + t
	}
	return ""
}

func statusLine(code int) string {
	if code == 0 {
		return "—"
	}
	return string(appendStatus(nil, code))
}

// appendStatus appends code and its text: "404 Not Found".
func appendStatus(b []byte, code int) []byte {
	b = strconv.AppendInt(b, int64(code), 10)
	if t := http.StatusText(code); t != "" {
		b = append(append(b, ' '), t...)
	}
	return b
}

// statusClass colours a status code by its class.
func statusClass(code int) string {
	switch {
	case code >= 500:
		return "dt-status dt-status-5xx"
	case code >= 400:
		return "dt-status dt-status-4xx"
	case code >= 300:
		return "dt-status dt-status-3xx"
	case code >= 200:
		return "dt-status dt-status-2xx"
	}
	return "dt-status"
}

// mediaType is a Content-Type without its parameters.
func mediaType(ct string) string {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			return ct[:i]
		}
	}
	return ct
}

// injection says whether the toolbar went into the page, and why not.
func injection(resp *panels.Response) string {
	if resp.Injected {
		return "yes"
	}
	if resp.NotInjected != "" {
		return "no: " + resp.NotInjected
	}
	return "no"
}

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
