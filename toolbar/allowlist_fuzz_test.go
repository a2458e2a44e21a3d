package toolbar_test

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/debugtoolbar/debugtoolbar/toolbar"
)

// clientIPHeaders are the headers Config.TrustedProxies documents.
var clientIPHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip", "True-Client-Ip", "Cf-Connecting-Ip",
	"Fastly-Client-Ip", "X-Client-Ip", "Fly-Client-Ip", "X-Cluster-Client-Ip"}

// allowlistSetup is one configuration the fuzzer tries, with or without
// chi's middleware.RealIP in front of the toolbar (which rewrites
// RemoteAddr from the client's headers).
type allowlistSetup struct {
	internal, trusted []string
	realIP            bool
}

var allowlistSetups = []allowlistSetup{
	{nil, nil, false}, // the defaults: loopback, no proxy
	// A load balancer and a proxy that is itself inside InternalIPs.
	{[]string{"10.0.0.0/8", "127.0.0.1", "2001:db8:1::/48"}, []string{"192.0.2.0/24", "10.9.9.9", "2001:db8:9::9"}, false},
	{nil, []string{"127.0.0.1", "::1"}, false}, // a reverse proxy on the same host
	{[]string{"10.0.0.0/8", "127.0.0.1", "2001:db8:1::/48"}, []string{"192.0.2.0/24", "10.9.9.9", "2001:db8:9::9"}, true},
	{nil, []string{"127.0.0.1", "::1"}, true},
	{nil, nil, true},
}

func prefixes(in []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range in {
		if !strings.Contains(s, "/") {
			s += map[bool]string{true: "/32", false: "/128"}[strings.Contains(s, ".")]
		}
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func inside(ps []netip.Prefix, ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// peerAddr parses RemoteAddr as net/http sets it ("ip:port") or as a
// middleware that rewrote it may have (a bare IP).
func peerAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.Unmap(), true
	}
	return netip.Addr{}, false
}

// hops returns the addresses a client-IP header lists, first hop first:
// comma-separated entries, the for= of each Forwarded element, with
// quotes, brackets and ports taken off. An entry that is not an address is
// an invalid Addr.
func hops(name string, values []string) []netip.Addr {
	var out []netip.Addr
	for _, v := range values {
		for entry := range strings.SplitSeq(v, ",") {
			entry = strings.TrimSpace(entry)
			if name == "Forwarded" {
				node, found := "", false
				for pair := range strings.SplitSeq(entry, ";") {
					if k, v, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && strings.EqualFold(strings.TrimSpace(k), "for") {
						node, found = strings.Trim(strings.TrimSpace(v), `"`), true
					}
				}
				if !found {
					continue // an element with no for= names nobody
				}
				entry = node
			}
			if entry == "" {
				continue
			}
			ip, ok := peerAddr(entry)
			if !ok && strings.HasPrefix(entry, "[") && strings.HasSuffix(entry, "]") {
				ip, ok = peerAddr(entry[1 : len(entry)-1])
			}
			if !ok {
				ip = netip.Addr{}
			}
			out = append(out, ip)
		}
	}
	return out
}

// FuzzAllowlist sends requests with fuzzed remote addresses and client-IP
// headers through the toolbar's middleware, in each setup, and checks the
// allowlist's promise with the public API only (observed means the
// response carries X-Debug-Token):
//
//   - a peer outside InternalIPs that is not a trusted proxy is never
//     observed, whatever headers it sends, with or without chi's RealIP in
//     front;
//   - a peer that is not a trusted proxy and sends a client-IP header is
//     never observed;
//   - a trusted proxy's request is observed only if its headers name a
//     client inside InternalIPs: in every client-IP header, the right-most
//     address that is not a trusted proxy (or the left-most when all are)
//     is an address inside InternalIPs, the headers that name a client
//     other than a proxy name the same one, and there is one.
//
// The corpus is in testdata/fuzz/FuzzAllowlist.
func FuzzAllowlist(f *testing.F) {
	for _, s := range []struct {
		setup          uint8
		remote, header string
	}{
		{0, "127.0.0.1:5000", ""},
		{0, "203.0.113.5:5000", "X-Forwarded-For: 127.0.0.1"},
		{5, "203.0.113.5:5000", "True-Client-IP: 127.0.0.1"}, // RealIP in front
		{5, "127.0.0.1:5000", "X-Real-IP: 127.0.0.1"},
		{2, "127.0.0.1:1", "Forwarded: for=203.0.113.9"},
		{2, "127.0.0.1:1", "Forwarded: for=203.0.113.9\nX-Forwarded-For: 127.0.0.1"},
		{2, "127.0.0.1:1", "X-Real-IP: 203.0.113.9\nX-Forwarded-For: 127.0.0.1"}, // nginx passing the client's own
		{2, "[::1]:1", `Forwarded: for="[::1]:4711";proto=https, for=_hidden`},
		{2, "127.0.0.1:1", "Forwarded: proto=https"},
		{2, "127.0.0.1:1", "X-Forwarded-For: unknown, 127.0.0.1"},
		{1, "192.0.2.7:443", "X-Forwarded-For: 10.1.2.3, 203.0.113.9, 192.0.2.8"},
		{1, "192.0.2.7:443", "X-Forwarded-For: 203.0.113.9, 10.1.2.3\nCF-Connecting-IP: 10.1.2.3"},
		{1, "10.9.9.9:80", "X-Forwarded-For: 10.9.9.9"},
		{1, "10.9.9.9:80", "Fly-Client-IP: 2001:db8:1::5\nX-Cluster-Client-IP: [2001:db8:1::5]"},
		{1, "[::ffff:192.0.2.7]:443", "x-forwarded-for: 10.1.2.3\nX-FORWARDED-FOR: 203.0.113.9"},
		{3, "203.0.113.5:5000", "X-Forwarded-For: 10.1.2.3"},
		{4, "127.0.0.1:1", "X-Real-IP: 127.0.0.1"},
		{1, "10.1.2.3", "Fastly-Client-IP: 10.1.2.3"},
		{0, "[fe80::1%eth0]:80", "X-Client-IP: ::1"},
	} {
		f.Add(s.setup, s.remote, s.header)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	type built struct {
		h                 http.Handler
		internal, trusted []netip.Prefix
	}
	var setups []built
	for _, s := range allowlistSetups {
		tb, err := toolbar.New(toolbar.Config{InternalIPs: s.internal, TrustedProxies: s.trusted, Logger: quiet})
		if err != nil {
			f.Fatal(err)
		}
		var h http.Handler = tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "app")
		}))
		if s.realIP {
			//lint:ignore SA1019 the deprecated middleware is put in front on purpose
			h = middleware.RealIP(h)
		}
		internal := s.internal
		if len(internal) == 0 {
			internal = []string{"127.0.0.0/8", "::1"}
		}
		setups = append(setups, built{h, prefixes(internal), prefixes(s.trusted)})
	}

	f.Fuzz(func(t *testing.T, setup uint8, remote, header string) {
		s := setups[int(setup)%len(setups)]
		raw := "GET / HTTP/1.1\r\nHost: example.com\r\n"
		for line := range strings.Lines(header) {
			raw += strings.TrimRight(line, "\r\n") + "\r\n"
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw + "\r\n")))
		if err != nil {
			return // not a request net/http serves
		}
		r.RemoteAddr = remote
		// Read the headers before the handlers run: RealIP rewrites
		// RemoteAddr, and the promise is about the real peer.
		headers := map[string][]string{}
		for k, vs := range r.Header {
			for _, name := range clientIPHeaders {
				if strings.EqualFold(k, name) {
					headers[name] = append(headers[name], vs...)
				}
			}
		}
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, r)
		if w.Header().Get("X-Debug-Token") == "" {
			return // not observed: always allowed
		}

		why := func(format string) {
			t.Helper()
			t.Fatalf(format+"\nRemoteAddr %q, headers %q, InternalIPs %v, TrustedProxies %v", remote, headers, s.internal, s.trusted)
		}
		peer, ok := peerAddr(remote)
		switch {
		case !ok:
			why("observed a request whose RemoteAddr is not an address")
		case !inside(s.trusted, peer) && !inside(s.internal, peer):
			why("observed a peer outside InternalIPs that is not a trusted proxy")
		case !inside(s.trusted, peer) && len(headers) > 0:
			why("observed a client-IP header from a peer that is not a trusted proxy")
		case !inside(s.trusted, peer):
			return // an internal peer with no client-IP header
		case len(headers) == 0:
			why("observed a trusted proxy's request that names no client")
		}
		var client, proxy netip.Addr
		for name, vs := range headers {
			list := hops(name, vs)
			if len(list) == 0 {
				continue // a header that lists no address names nobody
			}
			named, isProxy := list[0], true // the left-most when all are proxies
			for i := len(list) - 1; i >= 0; i-- {
				if !list[i].IsValid() || !inside(s.trusted, list[i]) {
					named, isProxy = list[i], false
					break
				}
			}
			switch {
			case !named.IsValid():
				why("observed a trusted proxy's request whose " + name + " names a client that is not an address")
			case !inside(s.internal, named):
				why("observed a trusted proxy's request whose " + name + " names " + named.String() + ", outside InternalIPs")
			case isProxy:
				proxy = named
			case client.IsValid() && client != named:
				why("observed a trusted proxy's request whose headers name different clients")
			default:
				client = named
			}
		}
		if !client.IsValid() && !proxy.IsValid() {
			why("observed a trusted proxy's request whose headers name no address")
		}
	})
}
