package toolbar

import (
	"net/http"
	"time"
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
// been read.
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
	c.recordSpan(name, start, d, err, callers)
	return resp, err
}
