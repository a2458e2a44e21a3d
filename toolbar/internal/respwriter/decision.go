package respwriter

import (
	"net/http"
	"strconv"
	"strings"
)

// sniffLen is how many bytes net/http gives http.DetectContentType.
const sniffLen = 512

// decision is what the response headers say once the final status is known:
// pass through at once (reason set), or hold the body, sniffing its type first
// when the handler set none.
type decision struct {
	reason string // why the response passes through; "" to hold it
	sniff  bool   // no Content-Type: sniff it from the first bytes, as net/http would
	clen   int64  // Content-Length the handler declared, -1 when none or invalid
}

// decide applies the rules in the order of their reasons' usefulness: the
// request and the status first, then what the headers say about the body.
// It must not allocate on the pass-through paths a plain response takes.
func decide(r *http.Request, status int, h http.Header, maxBody int) decision {
	d := decision{clen: -1}
	switch {
	case status < 100 || status > 999:
		d.reason = "invalid status" // the inner writer reports it as it would without us
	case r.Method == http.MethodHead:
		d.reason = "HEAD request"
	case status == http.StatusNotModified:
		d.reason = "status 304"
	case !bodyAllowed(status):
		d.reason = "no body status"
	case status == http.StatusPartialContent || get(r.Header, "Range") != "":
		d.reason = "range response"
	case get(r.Header, "Hx-Request") != "":
		d.reason = "htmx request" // a fragment: the page it lands in has the toolbar
	case get(r.Header, "Sec-Fetch-Dest") != "" && get(r.Header, "Sec-Fetch-Dest") != "document":
		d.reason = "not a page navigation" // fetch, XHR, iframe, ...
	}
	if d.reason != "" {
		return d
	}
	ce := get(h, "Content-Encoding")
	if !decodable(ce) {
		d.reason = "encoding " + ce
		return d
	}
	if ct, ok := h["Content-Type"]; !ok {
		// net/http sniffs only when nothing says how the body is encoded.
		if ce != "" || get(h, "Transfer-Encoding") != "" {
			d.reason = "not html"
			return d
		}
		d.sniff = true
	} else if len(ct) == 0 || !isHTML(ct[0]) {
		d.reason = "not html"
		return d
	}
	if hasTrailers(h) {
		// Trailer values set after the body would be sent as headers too.
		d.reason = "trailers"
		return d
	}
	if cl := get(h, "Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			d.clen = n
			if n > int64(maxBody) {
				d.reason = "body over cap"
			}
		}
	}
	return d
}

// bodyAllowed reports whether a response with this final status may have a
// body, as net/http decides it.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// decodable reports whether the toolbar can read a body with this
// Content-Encoding: none, identity or gzip.
func decodable(ce string) bool {
	ce = strings.TrimSpace(ce)
	return ce == "" || strings.EqualFold(ce, "identity") || strings.EqualFold(ce, "gzip")
}

func isGzip(ce string) bool { return strings.EqualFold(strings.TrimSpace(ce), "gzip") }

// isHTML reports whether a Content-Type value names text/html, whatever its
// parameters.
func isHTML(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/html")
}

func hasTrailers(h http.Header) bool {
	if _, ok := h["Trailer"]; ok {
		return true
	}
	for k := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			return true
		}
	}
	return false
}

// get is h.Get(key) for a key already canonical, as every key the writer
// asks for is (TestGetKeysAreCanonical): Get would canonicalise it again
// at every call, the most of what reading a header costs.
func get(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
