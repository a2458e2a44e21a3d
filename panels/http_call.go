package panels

// HTTPCall is the outgoing request of a span that toolbar.Transport
// recorded: what was asked of whom, and what came back. The span holds
// its start, duration, error and caller.
type HTTPCall struct {
	Method string `json:"method"`
	// URL is the request's URL without its user info, secrets in its
	// query hidden (as the record's own request URL), cut to a few KiB.
	URL  string `json:"url"`
	Host string `json:"host"`
	Path string `json:"path"`
	// Status is the response's status code; 0 when the call failed
	// before a response came.
	Status int `json:"status"`
}
