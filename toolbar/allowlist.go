package toolbar

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
)

// allowlist decides whether a request's client may see the toolbar.
type allowlist struct {
	internal []netip.Prefix
	trusted  []netip.Prefix
	log      *slog.Logger
	warnOnce sync.Once
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func newAllowlist(internal, trusted []string, log *slog.Logger) (*allowlist, error) {
	a := &allowlist{log: log}
	var err error
	if a.internal, err = parsePrefixes("InternalIPs", internal); err != nil {
		return nil, err
	}
	if len(a.internal) == 0 {
		a.internal = loopback
	}
	if a.trusted, err = parsePrefixes("TrustedProxies", trusted); err != nil {
		return nil, err
	}
	return a, nil
}

func parsePrefixes(field string, in []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range in {
		s = strings.TrimSpace(s)
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("toolbar: parse %s %q: %w", field, s, err)
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("toolbar: parse %s %q: %w", field, s, err)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

func contains(ps []netip.Prefix, ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// client returns the address the allowlist judges and whether the request
// may be observed at all. It allocates nothing for a request it refuses.
func (a *allowlist) client(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	var peer netip.Addr
	if err == nil {
		peer = ap.Addr().Unmap()
	} else if peer, err = netip.ParseAddr(r.RemoteAddr); err != nil {
		return netip.Addr{}, false
	}
	trusted := contains(a.trusted, peer)
	if !trusted && !contains(a.internal, peer) {
		return peer, false // the common refusal: nothing more to look at
	}
	xff, xri, fwd := r.Header["X-Forwarded-For"], r.Header["X-Real-Ip"], r.Header["Forwarded"]
	forwarded := len(xff) > 0 || len(xri) > 0 || len(fwd) > 0
	if !trusted {
		if forwarded {
			// Fail closed: a proxy on this host makes every client look
			// internal.
			a.warnOnce.Do(func() {
				a.log.Warn("debugtoolbar: not shown to a request with forwarding headers from a peer that is not a trusted proxy; if a reverse proxy runs in front of the app, list it in Config.TrustedProxies",
					"peer", peer.String(), "X-Forwarded-For", strings.Join(xff, ", "), "X-Real-IP", strings.Join(xri, ", "), "Forwarded", strings.Join(fwd, ", "))
			})
			return peer, false
		}
		return peer, true
	}
	// A trusted proxy: the client is the right-most untrusted address.
	if len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				return netip.Addr{}, false
			}
			ip = ip.Unmap()
			if !contains(a.trusted, ip) || i == 0 {
				return ip, true
			}
		}
	}
	if len(xri) > 0 {
		ip, err := netip.ParseAddr(strings.TrimSpace(xri[0]))
		if err != nil {
			return netip.Addr{}, false
		}
		return ip.Unmap(), true
	}
	return peer, true
}

// allowed reports whether the request's client is an internal address.
func (a *allowlist) allowed(r *http.Request) (netip.Addr, bool) {
	ip, ok := a.client(r)
	return ip, ok && contains(a.internal, ip)
}
