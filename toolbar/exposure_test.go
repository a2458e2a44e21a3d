package toolbar

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// logTo returns a logger that writes text lines into buf.
func logTo(buf *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(buf, nil)) }

// warnings returns the warning lines in buf.
func warnings(buf *bytes.Buffer) []string {
	var out []string
	for line := range strings.Lines(buf.String()) {
		if strings.Contains(line, "level=WARN") {
			out = append(out, line)
		}
	}
	return out
}

func TestNewWarnsOnceWhenTheAllowlistReachesPublicAddresses(t *testing.T) {
	show := func(*http.Request) bool { return true }
	for _, c := range []struct {
		name string
		cfg  Config
		want string // in the one warning; "" for none
	}{
		{"the default loopback is quiet", Config{}, ""},
		{"loopback, private, link-local and CGNAT ranges are quiet", Config{InternalIPs: []string{
			"127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24", "169.254.0.0/16",
			"100.64.0.0/10", "fd00::/8", "fe80::/64", "10.1.2.3"}}, ""},
		{"every IPv4 address warns", Config{InternalIPs: []string{"127.0.0.1", "0.0.0.0/0"}}, "0.0.0.0/0"},
		{"every IPv6 address warns", Config{InternalIPs: []string{"::/0"}}, "::/0"},
		{"a public address warns", Config{InternalIPs: []string{"10.0.0.0/8", "203.0.113.9"}}, "203.0.113.9/32"},
		{"a CIDR wider than a private range warns", Config{InternalIPs: []string{"10.0.0.0/7"}}, "10.0.0.0/7"},
		{"a public IPv6 range warns", Config{InternalIPs: []string{"2001:db8::/32"}}, "2001:db8::/32"},
		{"InternalIPs that Show overrides are quiet", Config{InternalIPs: []string{"0.0.0.0/0"}, Show: show, ShowOverridesAllowlist: true}, ""},
		{"TrustedProxies that trust every peer warn", Config{TrustedProxies: []string{"0.0.0.0/0"}}, "TrustedProxies=0.0.0.0/0"},
		{"TrustedProxies on private ranges are quiet", Config{TrustedProxies: []string{"127.0.0.1", "10.0.0.0/8"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			c.cfg.Logger = logTo(&buf)
			if _, err := New(c.cfg); err != nil {
				t.Fatal(err)
			}
			got := warnings(&buf)
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("New logged %q, want nothing", got)
			case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
				t.Errorf("New logged %q, want one warning naming %q", got, c.want)
			}
		})
	}
}

// withLocalAddr returns r as net/http hands it to a handler for a
// connection whose local end is local, on a server listening on srvAddr.
func withLocalAddr(r *http.Request, local net.Addr, srvAddr string) *http.Request {
	ctx := context.WithValue(r.Context(), http.LocalAddrContextKey, local)
	ctx = context.WithValue(ctx, http.ServerContextKey, &http.Server{Addr: srvAddr})
	return r.WithContext(ctx)
}

func tcp(s string) net.Addr { return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s)) }

func TestTheFirstRequestWarnsOnceWhenTheServerIsReachedOnAPublicAddress(t *testing.T) {
	privateOnly := func() ([]net.Addr, error) {
		return []net.Addr{&net.IPNet{IP: net.ParseIP("127.0.0.1"), Mask: net.CIDRMask(8, 32)}, &net.IPNet{IP: net.ParseIP("10.0.0.5"), Mask: net.CIDRMask(8, 32)}}, nil
	}
	withPublic := func() ([]net.Addr, error) {
		addrs, _ := privateOnly()
		return append(addrs, &net.IPNet{IP: net.ParseIP("2001:db8::5"), Mask: net.CIDRMask(64, 128)}), nil
	}
	for _, c := range []struct {
		name       string
		local      string
		srvAddr    string
		interfaces func() ([]net.Addr, error)
		remote     string
		want       string // in the one warning; "" for none
	}{
		{"a loopback connection is quiet", "127.0.0.1:8080", "127.0.0.1:8080", withPublic, "127.0.0.1:5000", ""},
		{"a private connection is quiet", "10.0.0.5:8080", "", withPublic, "127.0.0.1:5000", ""},
		{"a public local address warns", "203.0.113.7:443", "", privateOnly, "127.0.0.1:5000", "addr=203.0.113.7:443"},
		{"a public local address warns on a refused request too", "203.0.113.7:443", "", privateOnly, "198.51.100.1:5000", "addr=203.0.113.7:443"},
		{"a public IPv6 local address warns", "[2001:db8::5]:443", "", privateOnly, "[::1]:5000", "addr=[2001:db8::5]:443"},
		{"a server on every interface of a machine with a public one warns", "127.0.0.1:8080", ":8080", withPublic, "127.0.0.1:5000", "addr=2001:db8::5"},
		{"a server on 0.0.0.0 of a machine with a public interface warns", "127.0.0.1:8080", "0.0.0.0:8080", withPublic, "127.0.0.1:5000", "addr=2001:db8::5"},
		{"a server on every interface of a machine without a public one is quiet", "127.0.0.1:8080", ":8080", privateOnly, "127.0.0.1:5000", ""},
		{"an unspecified local address means every interface", "0.0.0.0:8080", "", withPublic, "127.0.0.1:5000", "addr=2001:db8::5"},
		{"a public http.Server.Addr warns", "127.0.0.1:8080", "203.0.113.7:80", privateOnly, "127.0.0.1:5000", "addr=203.0.113.7:80"},
		{"a host name in http.Server.Addr is not resolved", "127.0.0.1:8080", "example.com:80", withPublic, "127.0.0.1:5000", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			tb, err := New(Config{Logger: logTo(&buf)})
			if err != nil {
				t.Fatal(err)
			}
			tb.listen.interfaces = c.interfaces
			h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			for range 3 {
				r := withLocalAddr(httptest.NewRequest("GET", "/", nil), tcp(c.local), c.srvAddr)
				r.RemoteAddr = c.remote
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			got := warnings(&buf)
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("logged %q, want nothing", got)
			case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
				t.Errorf("logged %q, want one warning naming %q", got, c.want)
			}
		})
	}
}

func TestConcurrentFirstRequestsWarnOnce(t *testing.T) {
	var buf syncBuffer
	tb, err := New(Config{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			r := withLocalAddr(httptest.NewRequest("GET", "/", nil), tcp("203.0.113.7:443"), "")
			h.ServeHTTP(httptest.NewRecorder(), r)
		})
	}
	wg.Wait()
	if n := strings.Count(buf.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, buf.String())
	}
}

func TestAServerOnLoopbackLogsNothing(t *testing.T) {
	var buf bytes.Buffer
	tb, err := New(Config{Logger: logTo(&buf)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html><body>hi</body></html>"))
	})))
	defer srv.Close()
	for range 2 {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("X-Debug-Token") == "" {
			t.Fatal("the request over loopback was not observed")
		}
	}
	if buf.Len() > 0 {
		t.Errorf("logged %q, want nothing", buf.String())
	}
}

// syncBuffer is a bytes.Buffer for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
