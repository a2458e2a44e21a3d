package toolbar

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

func TestAllowlist(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		name              string
		internal, trusted []string
		remote            string
		header            map[string]string
		want              bool
	}{
		{"loopback v4 is allowed by default", nil, nil, "127.0.0.1:5000", nil, true},
		{"any 127/8 address is loopback", nil, nil, "127.3.4.5:5000", nil, true},
		{"loopback v6 is allowed by default", nil, nil, "[::1]:5000", nil, true},
		{"a v4-mapped loopback is loopback", nil, nil, "[::ffff:127.0.0.1]:5000", nil, true},
		{"a private address is not allowed by default", nil, nil, "10.0.0.5:5000", nil, false},
		{"a listed CIDR is allowed", []string{"10.0.0.0/8"}, nil, "10.20.0.5:5000", nil, true},
		{"an address outside the CIDR is not", []string{"10.0.0.0/8"}, nil, "11.0.0.5:5000", nil, false},
		{"a listed single IP is allowed", []string{"192.0.2.7"}, nil, "192.0.2.7:80", nil, true},
		{"a bad RemoteAddr is refused", nil, nil, "garbage", nil, false},
		{"X-Real-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"X-Real-IP": "127.0.0.1"}, false},
		{"Forwarded from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"Forwarded": "for=127.0.0.1"}, false},
		{"a trusted proxy forwards an internal client", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "10.1.2.3"}, true},
		{"a trusted proxy forwards an outside client", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "198.51.100.1"}, false},
		{"the right-most untrusted hop decides, not a spoofed left one", []string{"10.1.0.0/16"}, []string{"127.0.0.1", "172.16.0.0/12"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "10.1.2.3, 198.51.100.1, 172.16.0.9"}, false},
		{"trusted hops are skipped", []string{"10.1.0.0/16"}, []string{"127.0.0.1", "172.16.0.0/12"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "10.1.2.3, 172.16.0.9"}, true},
		{"X-Real-IP is used behind a trusted proxy without X-Forwarded-For", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Real-IP": "10.1.9.9"}, true},
		{"a garbage hop refuses", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "10.1.2.3, nonsense"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := newAllowlist(c.internal, c.trusted, quiet)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for k, v := range c.header {
				r.Header.Set(k, v)
			}
			if _, got := a.allowed(r); got != c.want {
				t.Errorf("allowed = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCSPNonce(t *testing.T) {
	for _, c := range []struct{ policy, want string }{
		{"default-src 'self'; script-src 'self' 'nonce-abc123=='", "abc123=="},
		{"default-src 'nonce-fallback'", "fallback"},
		{"default-src 'nonce-fallback'; script-src 'nonce-wins'", "wins"},
		{"script-src 'nonce-<bad>'", ""},
		{"style-src 'nonce-style'", ""},
		{"", ""},
	} {
		h := map[string][]string{"Content-Security-Policy": {c.policy}}
		if got := cspNonce(h); got != c.want {
			t.Errorf("cspNonce(%q) = %q, want %q", c.policy, got, c.want)
		}
	}
}

func TestRedaction(t *testing.T) {
	r := newRedactor([]string{"ssn"})
	h := r.header(map[string][]string{
		"Authorization": {"Bearer s3cret"},
		"Cookie":        {"sid=abc; theme=dark"},
		"Set-Cookie":    {"sid=abc; Path=/; HttpOnly"},
		"X-Api-Key":     {"k"},
		"X-Ssn":         {"123"},
		"Accept":        {"text/html"},
		"X-Debug-Token": {"id"},
	})
	want := map[string]string{
		"Authorization": Redacted,
		"Cookie":        "sid=" + Redacted + "; theme=" + Redacted,
		"Set-Cookie":    "sid=" + Redacted + "; Path=/; HttpOnly",
		"X-Api-Key":     Redacted,
		"X-Ssn":         Redacted,
		"Accept":        "text/html",
		"X-Debug-Token": "id",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	v := r.values(map[string][]string{"password": {"hunter2"}, "q": {"go"}})
	if v.Get("password") != Redacted || v.Get("q") != "go" {
		t.Errorf("values = %v", v)
	}
}
