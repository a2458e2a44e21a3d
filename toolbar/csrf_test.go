package toolbar

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTheCSRFGuardLetsOnlyTheToolbarsOwnPostsThrough(t *testing.T) {
	c := newCSRF()
	if len(c.token) != 64 || c.token == newCSRF().token {
		t.Fatalf("token %q: want 32 random bytes in hex, new each time", c.token)
	}
	ok := c.protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	tests := []struct {
		name   string
		method string
		header map[string]string
		want   int
	}{
		{"a same-origin POST with the token", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://app.test", csrfHeader: c.token}, http.StatusTeapot},
		{"a POST from a script with no browser headers", "POST", map[string]string{csrfHeader: c.token}, http.StatusTeapot},
		{"a GET", "GET", map[string]string{csrfHeader: c.token}, http.StatusMethodNotAllowed},
		{"a PUT", "PUT", map[string]string{csrfHeader: c.token}, http.StatusMethodNotAllowed},
		{"a cross-site POST", "POST", map[string]string{"Sec-Fetch-Site": "cross-site", csrfHeader: c.token}, http.StatusForbidden},
		{"a same-site POST (another port or subdomain)", "POST", map[string]string{"Sec-Fetch-Site": "same-site", csrfHeader: c.token}, http.StatusForbidden},
		{"a POST typed into nothing (Sec-Fetch-Site: none)", "POST", map[string]string{"Sec-Fetch-Site": "none", csrfHeader: c.token}, http.StatusForbidden},
		{"a POST from another origin", "POST", map[string]string{"Origin": "http://evil.test", csrfHeader: c.token}, http.StatusForbidden},
		{"a POST from an opaque origin", "POST", map[string]string{"Origin": "null", csrfHeader: c.token}, http.StatusForbidden},
		{"a POST without the token", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusForbidden},
		{"a POST with a wrong token", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", csrfHeader: c.token[1:] + "0"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://app.test/__debug__/x", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			ok.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("%d %s, want %d", w.Code, w.Body, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed && w.Header().Get("Allow") != "POST" {
				t.Errorf("Allow: %q, want POST", w.Header().Get("Allow"))
			}
		})
	}
}
