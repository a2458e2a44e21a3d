package toolbar

import (
	"net/url"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// httpCallBytes is what a panels.HTTPCall holds besides its strings.
const httpCallBytes = 80

// recordHTTP records an outgoing call that Transport timed: a span named
// name, with call filled in from u. The URL keeps no user info, and the
// values of secret names in its query and fragment are hidden, as in the
// record's own URL.
func (c *collector) recordHTTP(name string, call *panels.HTTPCall, u *url.URL, start time.Time, d time.Duration, err error, callers sqltrace.Callers) {
	text := u.Host + u.RequestURI()
	if u.Scheme != "" {
		text = u.Scheme + "://" + text
	}
	if u.Fragment != "" {
		text += "#" + u.EscapedFragment()
	}
	call.URL = capText(c.redact.urlText(text), maxURLBytes)
	call.Host, call.Path = capText(call.Host, maxKeyBytes), capText(redactText(call.Path), maxKeyBytes)
	errText := c.redact.errText(err)
	name = capText(name, maxKeyBytes)
	size := spanBytes + len(name) + len(errText) + httpCallBytes + len(call.Method) + len(call.URL) + len(call.Host) + len(call.Path)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.AddLate()
	case !c.fits(len(c.rec.Spans), c.maxSpans, size):
		c.rec.SpansDropped++
	default:
		c.rec.Spans = append(c.rec.Spans, panels.Span{Name: name, Start: start.Sub(c.rec.Start), Duration: d, Err: errText, Stack: c.b.stack(callers), HTTP: call})
	}
}
