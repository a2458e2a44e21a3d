package toolbar

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
)

// notPublic are the ranges the internet does not route to: loopback,
// private networks (RFC 1918, RFC 4193), link-local, and the shared
// address space of carrier-grade NAT that Tailscale also uses (RFC 6598).
// An allowlist within them lets in only the developer's own networks.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
}

// isPublic reports whether ip is routed on the internet (as far as its
// address tells: a NAT in front of a private address is invisible here).
func isPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() && !contains(notPublic, ip)
}

// publicPrefixes returns those of ps that reach beyond notPublic.
func publicPrefixes(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		within := false
		for _, q := range notPublic {
			within = within || q.Bits() <= p.Bits() && q.Contains(p.Addr())
		}
		if !within {
			out = append(out, p.String())
		}
	}
	return out
}

// warnWide logs, once per New, an allowlist that lets in more than the
// developer's own networks: InternalIPs with a public address in them, or
// TrustedProxies that trust every peer (then any client names itself
// internal in X-Forwarded-For).
func (tb *Toolbar) warnWide() {
	if !(tb.cfg.ShowOverridesAllowlist && tb.cfg.Show != nil) { // else the allowlist is not used
		if wide := publicPrefixes(tb.allow.internal); len(wide) > 0 {
			tb.log.Warn("debugtoolbar: InternalIPs reach beyond loopback and private networks, so clients on the internet may see every recorded request's SQL, headers and bodies; list only your own machines or networks, and build production binaries with -tags nodebugtoolbar",
				"public", wide)
		}
	}
	for _, p := range tb.allow.trusted {
		if p.Bits() == 0 {
			tb.log.Warn("debugtoolbar: TrustedProxies trust every peer, so any client can name itself internal in a forwarding header; list only your reverse proxies",
				"TrustedProxies", p.String())
			return
		}
	}
}

// listenCheck looks, once, at where the server the middleware runs in is
// reached. New cannot see the listener; a request carries the connection's
// local address and its *http.Server.
type listenCheck struct {
	done atomic.Bool // read by every request until the check has run
	once sync.Once
	// interfaces lists this machine's addresses (net.InterfaceAddrs when
	// nil; a fake in tests).
	interfaces func() ([]net.Addr, error)
}

// checkListener warns once, on the first request the middleware sees,
// observed or not (a production server with the toolbar compiled in may
// never observe one), when the server is reached on a public address. Only
// an atomic load is left on later requests.
func (tb *Toolbar) checkListener(r *http.Request) {
	tb.listen.once.Do(func() {
		defer tb.listen.done.Store(true)
		tb.safely("checking the server's address", func() {
			if addr, how := tb.listen.public(r.Context()); addr != "" {
				tb.log.Warn("debugtoolbar: the server is reached on a public address with the toolbar compiled in; it shows itself only to InternalIPs, but it has no place on a public server: build production binaries with -tags nodebugtoolbar, or listen on 127.0.0.1 in development",
					"addr", addr, "found", how)
			}
		})
	})
}

// public returns the public address ctx's request reached the server on,
// and how it was found: the connection's local address, or, for a server
// that listens on every interface (its Addr ":8080" or "0.0.0.0:8080", or
// an unspecified local address), this machine's first public interface
// address. A server started with Serve(ln) has no Addr; a name in Addr is
// not resolved.
func (c *listenCheck) public(ctx context.Context) (addr, how string) {
	if a, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			switch ip := ap.Addr(); {
			case ip.IsUnspecified():
				if pub := c.publicInterface(); pub != "" {
					return pub, "an interface of this machine; the connection's local address " + a.String() + " is every interface"
				}
			case isPublic(ip):
				return a.String(), "the connection's local address"
			}
		}
	}
	if srv, ok := ctx.Value(http.ServerContextKey).(*http.Server); ok && srv.Addr != "" {
		host, _, err := net.SplitHostPort(srv.Addr)
		if err != nil {
			return "", ""
		}
		ip, err := netip.ParseAddr(host)
		switch {
		case host == "" || err == nil && ip.IsUnspecified():
			if pub := c.publicInterface(); pub != "" {
				return pub, "an interface of this machine; http.Server.Addr " + srv.Addr + " is every interface"
			}
		case err == nil && isPublic(ip):
			return srv.Addr, "http.Server.Addr"
		}
	}
	return "", ""
}

// publicInterface returns the first public address of this machine's
// interfaces, or "".
func (c *listenCheck) publicInterface() string {
	list := c.interfaces
	if list == nil {
		list = net.InterfaceAddrs
	}
	addrs, err := list()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		var ip netip.Addr
		switch a := a.(type) {
		case *net.IPNet:
			ip, _ = netip.AddrFromSlice(a.IP)
		case *net.IPAddr:
			ip, _ = netip.AddrFromSlice(a.IP)
		}
		if isPublic(ip) {
			return ip.Unmap().String()
		}
	}
	return ""
}
