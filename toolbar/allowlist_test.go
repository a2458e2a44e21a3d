package toolbar

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
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

		// Forwarded (RFC 7239) from a trusted proxy names the client.
		{"Forwarded from a trusted proxy names an outside client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=203.0.113.9"}, false},
		{"Forwarded from a trusted proxy names an internal client", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=10.1.2.3;proto=https;by=127.0.0.1"}, true},
		{"Forwarded parameter names are case-insensitive", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "Proto=https; For=10.1.2.3"}, true},
		{"Forwarded with a quoted IPv6 address and port", []string{"2001:db8::/32"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for="[2001:db8:cafe::17]:4711"`}, true},
		{"Forwarded with a quoted IPv4 address and port", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for="10.1.2.3:4711"`}, true},
		{"Forwarded's right-most untrusted hop decides", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=10.1.2.3, for=198.51.100.1"}, false},
		{"Forwarded's trusted hops are skipped", []string{"10.1.0.0/16"}, []string{"127.0.0.1", "172.16.0.0/12"}, "127.0.0.1:1", map[string]string{"Forwarded": `for=10.1.2.3;proto=http, for="172.16.0.9:80"`}, true},
		{"a quoted comma does not split Forwarded", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for=10.1.2.3;ext="a, for=198.51.100.1"`}, true},
		{"Forwarded for=unknown names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=unknown"}, false},
		{"an obfuscated Forwarded identifier names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=_hidden"}, false},
		{"a quoted obfuscated identifier names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for="_gazonk:_port"`}, false},
		{"a Forwarded element without for names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=127.0.0.1, proto=https"}, false},
		{"a Forwarded without for= gives way to X-Forwarded-For", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "proto=https;host=example.com", "X-Forwarded-For": "10.1.2.3"}, true},
		{"a Forwarded without for= alone names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "proto=https"}, false},
		{"a Forwarded pair without a value refuses", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "secure, for=10.1.2.3"}, false},
		{"a malformed Forwarded refuses", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for="127.0.0.1`}, false},
		{"an unbracketed IPv6 with a port in Forwarded refuses", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": `for="::1:80"`}, false},
		{"a client's own X-Forwarded-For does not win over the proxy's Forwarded", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=203.0.113.9", "X-Forwarded-For": "10.1.2.3"}, false},
		{"a client's own X-Forwarded-For naming loopback does not win over Forwarded", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"Forwarded": "for=203.0.113.9", "X-Forwarded-For": "127.0.0.1"}, false},

		// Several headers from a trusted proxy must name the same client.
		{"nginx's X-Real-IP and a client's passed-through X-Forwarded-For disagree", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Real-IP": "203.0.113.5", "X-Forwarded-For": "10.1.2.3"}, false},
		{"X-Real-IP and X-Forwarded-For that agree are believed", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Real-IP": "10.1.2.3", "X-Forwarded-For": "192.0.2.1, 10.1.2.3"}, true},
		{"a client's spoofed True-Client-IP disagrees with the proxy's X-Forwarded-For", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"True-Client-IP": "127.0.0.1", "X-Forwarded-For": "127.0.0.1, 203.0.113.5"}, false},
		{"a header naming only trusted proxies does not hide the client another names", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Real-IP": "203.0.113.5", "X-Forwarded-For": "127.0.0.1"}, false},
		{"a client on the proxy's own host is named by the proxy", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Real-IP": "127.0.0.1", "X-Forwarded-For": "127.0.0.1"}, true},
		{"a CDN's client header from a trusted proxy is believed", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"CF-Connecting-IP": "10.1.2.3"}, true},
		{"an X-Forwarded-For hop with a port is an address", []string{"10.1.0.0/16"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "10.1.2.3:5555"}, true},
		{"an X-Forwarded-For IPv6 hop with a port is an address", []string{"2001:db8::/32"}, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": "[2001:db8::1]:443"}, true},
		{"an empty X-Forwarded-For names no client", nil, []string{"127.0.0.1"}, "127.0.0.1:1", map[string]string{"X-Forwarded-For": " , "}, false},
		{"a trusted proxy that names no client fails closed", nil, []string{"127.0.0.1"}, "127.0.0.1:1", nil, false},

		// Every client-IP header in common use, from a peer that is not a
		// trusted proxy, fails closed: chi's RealIP and its kind rewrite
		// RemoteAddr from them and leave them in place.
		{"True-Client-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"True-Client-IP": "127.0.0.1"}, false},
		{"CF-Connecting-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"CF-Connecting-IP": "127.0.0.1"}, false},
		{"Fastly-Client-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"Fastly-Client-IP": "127.0.0.1"}, false},
		{"X-Client-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"X-Client-IP": "127.0.0.1"}, false},
		{"Fly-Client-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"Fly-Client-IP": "127.0.0.1"}, false},
		{"X-Cluster-Client-IP from an untrusted loopback peer fails closed", nil, nil, "127.0.0.1:1", map[string]string{"X-Cluster-Client-IP": "127.0.0.1"}, false},
		{"a RemoteAddr without a port and a client-IP header was rewritten", nil, []string{"127.0.0.1"}, "127.0.0.1", map[string]string{"True-Client-IP": "127.0.0.1"}, false},
		{"a RemoteAddr without a port and no client-IP header is judged as it is", nil, nil, "127.0.0.1", nil, true},
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
	}, "")
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

func TestAClientIPHeaderInAnyCaseFailsClosed(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := newAllowlist(nil, nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header["true-client-ip"] = []string{"127.0.0.1"} // set by a middleware that bypasses Header.Set
	if _, ok := a.allowed(r); ok {
		t.Error("a non-canonical True-Client-IP key was not seen")
	}
}

func TestRefusalsAreExplainedOnceEach(t *testing.T) {
	var logs strings.Builder
	a, err := newAllowlist(nil, []string{"192.0.2.1"}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ remote, header, value string }{
		{"127.0.0.1:1", "X-Real-IP", "127.0.0.1"}, // from a peer that is not a trusted proxy
		{"127.0.0.1:2", "True-Client-IP", "127.0.0.1"},
		{"127.0.0.1", "True-Client-IP", "127.0.0.1"},        // RemoteAddr rewritten
		{"192.0.2.1:1", "Forwarded", "for=unknown"},         // a trusted proxy names no client
		{"192.0.2.1:1", "X-Real-IP", "127.0.0.1, 10.0.0.1"}, // names 10.0.0.1...
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		r.Header.Set(c.header, c.value)
		if c.header == "X-Real-IP" && c.remote == "192.0.2.1:1" {
			r.Header.Set("X-Forwarded-For", "127.0.0.1") // ...which disagrees
		}
		if _, ok := a.allowed(r); ok {
			t.Errorf("%s %s: %s was allowed", c.remote, c.header, c.value)
		}
	}
	for _, want := range []string{"Config.TrustedProxies", "middleware.RealIP", "names no client", "disagree"} {
		if n := strings.Count(logs.String(), want); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", want, n, logs.String())
		}
	}
}

// TestRealIPInFrontLetsNoOutsiderIn puts chi's middleware.RealIP before the
// toolbar: it rewrites RemoteAddr from the client's own headers.
func TestRealIPInFrontLetsNoOutsiderIn(t *testing.T) {
	for _, trusted := range [][]string{nil, {"127.0.0.1"}} {
		for _, h := range []string{"True-Client-IP", "X-Real-IP", "X-Forwarded-For"} {
			t.Run(fmt.Sprintf("%s with TrustedProxies %v", h, trusted), func(t *testing.T) {
				tb, err := New(Config{TrustedProxies: trusted, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
				if err != nil {
					t.Fatal(err)
				}
				r := chi.NewRouter()
				//lint:ignore SA1019 the deprecated middleware is put in front on purpose
				r.Use(middleware.RealIP, tb.Middleware)
				r.Get("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html><body>app</body></html>") })
				for _, path := range []string{"/", "/__debug__/api/v1/requests"} {
					req := httptest.NewRequest("GET", path, nil)
					req.RemoteAddr = "203.0.113.5:40000"
					req.Header.Set(h, "127.0.0.1")
					w := httptest.NewRecorder()
					r.ServeHTTP(w, req)
					if w.Header().Get("X-Debug-Token") != "" || strings.Contains(w.Body.String(), "debugtoolbar") {
						t.Errorf("GET %s from 203.0.113.5 with %s: 127.0.0.1 was observed: %d %s", path, h, w.Code, w.Body)
					}
				}
				if list, err := tb.History(context.Background()); err != nil || len(list) != 0 {
					t.Errorf("%d requests recorded (%v)", len(list), err)
				}
			})
		}
	}
}

func TestARequestShowAdmitsIsNotLoggedAsRefused(t *testing.T) {
	var logs strings.Builder
	tb, err := New(Config{Show: func(*http.Request) bool { return true }, ShowOverridesAllowlist: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "203.0.113.5")
	w := httptest.NewRecorder()
	tb.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
	if w.Header().Get("X-Debug-Token") == "" || strings.Contains(logs.String(), "not shown") {
		t.Errorf("observed %v, log %q", w.Header().Get("X-Debug-Token") != "", logs.String())
	}
}
