package toolbar

import (
	"net/http"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Transport wraps an http.RoundTripper (nil means http.DefaultTransport) so
// that each outgoing request made with the context of an observed request
// shows on that request's timeline as a span, "GET api.example.com/path
// 200 OK", with the line of code that made it. Requests made with any other
// context pass straight through.
//
//	client := &http.Client{Transport: toolbar.Transport(nil)}
//	req, _ := http.NewRequestWithContext(r.Context(), "GET", url, nil)
//	resp, err := client.Do(req)
//
// The span ends when the response's headers arrive, not when its body has
// been read. It carries the call's method, URL (its query's secrets
// hidden, as in the request's own URL), host, path and status
// (panels.Span.HTTP), from which the toolbar finds calls made one after
// another that could run together, and calls made inside a transaction.
func Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if !enabled {
		return rt
	}
	return transport{rt}
}

type transport struct{ next http.RoundTripper }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := collectorFrom(req.Context())
	if c == nil {
		return t.next.RoundTrip(req)
	}
	name, start, callers := req.Method+" "+req.URL.Host+req.URL.Path, time.Now(), cacheCallers.Callers()
	resp, err := t.next.RoundTrip(req)
	d := time.Since(start)
	if err == nil {
		name += " " + resp.Status
	}
	call := &panels.HTTPCall{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path}
	if call.Method == "" {
		call.Method = http.MethodGet // as net/http reads it
	}
	if err == nil {
		call.Status = resp.StatusCode
	}
	c.recordHTTP(name, call, req.URL, start, d, err, callers)
	return resp, err
}
