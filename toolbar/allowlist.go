package toolbar

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// allowlist decides whether a request's client may see the toolbar.
type allowlist struct {
	internal []netip.Prefix
	trusted  []netip.Prefix
	log      *slog.Logger
	warnOnce [refusals]sync.Once
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

// clientIPHeaders are the request headers through which proxies and CDNs
// name a request's client, in their order of precedence. Together they
// name the client only when the direct peer is a trusted proxy; from any
// other peer, one of them is reason enough to refuse.
var clientIPHeaders = [...]string{
	"Forwarded",           // RFC 7239
	"X-Forwarded-For",     // the de facto list of hops
	"X-Real-Ip",           // nginx
	"True-Client-Ip",      // Akamai, Cloudflare Enterprise
	"Cf-Connecting-Ip",    // Cloudflare
	"Fastly-Client-Ip",    // Fastly
	"X-Client-Ip",         // Azure, some load balancers
	"Fly-Client-Ip",       // Fly.io
	"X-Cluster-Client-Ip", // Rackspace, Riverbed
}

// What decide concluded: accepted, or why the request is not observed
// (each reason but refusedOutside is logged the first time it happens).
const (
	accepted         = -1
	refusedOutside   = iota - 1 // a peer neither internal nor a trusted proxy, or no address at all
	refusedUntrusted            // a client-IP header from a peer that is not a trusted proxy
	refusedRewritten            // RemoteAddr was rewritten by a middleware before the toolbar
	refusedNoClient             // a trusted proxy named no usable client
	refusedDisagree             // a trusted proxy's headers name different clients
	refusals
)

// client returns the address the allowlist judges and whether the request
// may be observed at all, logging nothing.
func (a *allowlist) client(r *http.Request) (netip.Addr, bool) {
	ip, reason := a.decide(r)
	return ip, reason == accepted
}

// decide returns the address the allowlist judges and accepted, or why
// the request may not be observed. It allocates nothing for a request it
// refuses because of its peer.
//
// The decision, and why:
//
//   - The direct peer comes from RemoteAddr, which net/http always sets to
//     "ip:port". A peer that is neither internal nor a trusted proxy is
//     refused at once.
//   - A peer that is not a trusted proxy and sends any client-IP header is
//     refused: a reverse proxy on the same host makes every client look
//     like 127.0.0.1, and only the header tells. The same check defeats a
//     middleware before the toolbar that rewrites RemoteAddr from those
//     headers (chi's middleware.RealIP turns "True-Client-IP: 127.0.0.1"
//     from anyone into RemoteAddr 127.0.0.1): it leaves the header in place,
//     and the header gives the rewrite away.
//   - A RemoteAddr without a port was not set by net/http but by such a
//     middleware; with a client-IP header present it is refused even when
//     it names a trusted proxy.
//   - From a trusted proxy, every client-IP header present names a client:
//     the right-most address of its list that is not itself a trusted
//     proxy (each proxy appends the peer it saw, so the addresses to the
//     left of that one are the client's own claims), or, when every address
//     is a trusted proxy, the left-most one (a client on a proxy's own
//     host). Every header that names an address outside TrustedProxies must
//     name the same one. A proxy sets the headers it knows and passes the
//     others through from the client: nginx with "proxy_set_header
//     X-Real-IP $remote_addr" forwards a client's own "X-Forwarded-For:
//     10.1.2.3" untouched, so no order of precedence is safe with every
//     proxy, and headers that disagree are refused instead. The address
//     judged and shown is that of the first header present in the order of
//     clientIPHeaders: Forwarded, X-Forwarded-For, X-Real-IP,
//     True-Client-IP, CF-Connecting-IP, Fastly-Client-IP, X-Client-IP,
//     Fly-Client-IP, X-Cluster-Client-IP; a header that names only trusted
//     proxies gives way to one that names a client.
//   - A trusted proxy that sends no client-IP header, or one whose
//     deciding address is "unknown", an obfuscated identifier (RFC 7239's
//     "_hidden") or not an address, names no client and is refused: the
//     proxy would stand for every client behind it.
func (a *allowlist) decide(r *http.Request) (netip.Addr, int) {
	peer, hasPort, ok := parseRemoteAddr(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, refusedOutside
	}
	trusted := contains(a.trusted, peer)
	if !trusted && !contains(a.internal, peer) {
		return peer, refusedOutside // the common refusal: nothing more to look at
	}
	var headers [len(clientIPHeaders)][]string
	present := false
	for k, vs := range r.Header {
		for i, name := range clientIPHeaders {
			if strings.EqualFold(k, name) { // a middleware may have bypassed Header.Set
				present = true
				if headers[i] == nil {
					headers[i] = vs
				} else {
					headers[i] = slices.Concat(headers[i], vs)
				}
			}
		}
	}
	switch {
	case !present && !trusted:
		return peer, accepted
	case !present:
		return peer, refusedNoClient
	case !hasPort:
		return peer, refusedRewritten
	case !trusted:
		return peer, refusedUntrusted
	}
	var client, proxy netip.Addr
	for i, vs := range headers {
		if vs == nil {
			continue
		}
		ip, isProxy, ok := a.named(vs, i == 0)
		switch {
		case !ok:
			return peer, refusedNoClient
		case !ip.IsValid(): // names nobody (a Forwarded with only proto=)
		case isProxy:
			if !proxy.IsValid() {
				proxy = ip
			}
		case !client.IsValid():
			client = ip
		case ip != client:
			return peer, refusedDisagree
		}
	}
	if !client.IsValid() {
		client = proxy
	}
	if !client.IsValid() {
		return peer, refusedNoClient
	}
	return client, accepted
}

// named returns the client a header's values name: the right-most address
// that is not a trusted proxy, else the left-most one (then isProxy is
// true), or the zero Addr when the header lists nothing (a Forwarded
// without for=, as some proxies send for proto= alone). It is not ok when
// the deciding entry is not an address or the header is malformed.
func (a *allowlist) named(values []string, forwarded bool) (ip netip.Addr, isProxy, ok bool) {
	var nodes []string
	for _, v := range values {
		if forwarded {
			if nodes, ok = appendForwardedFor(nodes, v); !ok {
				return netip.Addr{}, false, false
			}
			continue
		}
		for n := range strings.SplitSeq(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				nodes = append(nodes, n)
			}
		}
	}
	if forwarded && !slices.ContainsFunc(nodes, func(n string) bool { return n != "" }) {
		return netip.Addr{}, false, true
	}
	for i := len(nodes) - 1; i >= 0; i-- {
		ip, ok := parseNode(nodes[i])
		if !ok {
			return netip.Addr{}, false, false
		}
		if !contains(a.trusted, ip) {
			return ip, false, true
		}
		if i == 0 {
			return ip, true, true
		}
	}
	return netip.Addr{}, false, true
}

// parseRemoteAddr parses RemoteAddr, "ip:port" as net/http sets it or a
// bare IP as a middleware that rewrote it may have.
func parseRemoteAddr(s string) (ip netip.Addr, hasPort, ok bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true, true
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.Unmap(), false, true
	}
	return netip.Addr{}, false, false
}

// parseNode parses one hop of a forwarding header: an IP, optionally with
// a port ("192.0.2.1:80", "[2001:db8::1]:443"), or a bracketed IPv6.
// "unknown", obfuscated identifiers and anything else are not addresses.
func parseNode(s string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if ip, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && ip.Is6() {
			return ip.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// appendForwardedFor appends the for= node of each element of a Forwarded
// header value (RFC 7239: elements separated by commas, each a list of
// name=value pairs separated by semicolons, a value a token or a quoted
// string) to nodes; an element without for= appends "", which names no
// address. It is not ok when v is malformed.
func appendForwardedFor(nodes []string, v string) ([]string, bool) {
	i, elem := 0, -1 // elem is the index in nodes of the current element's node
	skipSpace := func() {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
	}
	for {
		skipSpace()
		if i == len(v) {
			return nodes, true
		}
		if v[i] == ',' { // an empty element
			i++
			continue
		}
		if elem < 0 {
			nodes = append(nodes, "")
			elem = len(nodes) - 1
		}
		eq := strings.IndexByte(v[i:], '=')
		if eq <= 0 {
			return nodes, false
		}
		name := strings.TrimRight(v[i:i+eq], " \t")
		if strings.ContainsAny(name, ",;\" \t") {
			return nodes, false
		}
		i += eq + 1
		var value string
		if i < len(v) && v[i] == '"' {
			var b strings.Builder
			for i++; ; i++ {
				if i == len(v) {
					return nodes, false // unterminated
				}
				if v[i] == '\\' && i+1 < len(v) {
					i++
				} else if v[i] == '"' {
					i++
					break
				}
				b.WriteByte(v[i])
			}
			value = b.String()
		} else {
			j := i
			for j < len(v) && v[j] != ';' && v[j] != ',' && v[j] != ' ' && v[j] != '\t' {
				j++
			}
			value, i = v[i:j], j
		}
		if strings.EqualFold(name, "for") {
			if nodes[elem] != "" || value == "" {
				return nodes, false // for= twice in one element, or empty
			}
			nodes[elem] = value
		}
		skipSpace()
		switch {
		case i == len(v):
			return nodes, true
		case v[i] == ';':
			i++
		case v[i] == ',':
			i++
			elem = -1
		default:
			return nodes, false
		}
	}
}

// explain logs the reason for a refusal the first time it happens.
func (a *allowlist) explain(r *http.Request, peer netip.Addr, reason int) {
	if reason == refusedOutside {
		return // the allowlist working as meant
	}
	a.warnOnce[reason].Do(func() {
		var msg string
		switch reason {
		case refusedUntrusted:
			msg = "debugtoolbar: not shown to a request with a client-IP header from a peer that is not a trusted proxy; if a reverse proxy runs in front of the app, list it in Config.TrustedProxies"
		case refusedRewritten:
			msg = "debugtoolbar: not shown to a request whose RemoteAddr a middleware before the toolbar rewrote from a client-IP header (it has no port); remove that middleware (chi's middleware.RealIP, or the like) or place the toolbar before it, and list the reverse proxy in the toolbar's trusted proxies"
		case refusedNoClient:
			msg = "debugtoolbar: not shown to a request from a trusted proxy that names no client: it sent no client-IP header, or one whose client is unknown, obfuscated or not an address; configure the proxy to set X-Forwarded-For or Forwarded with the client's address"
		case refusedDisagree:
			msg = "debugtoolbar: not shown to a request whose client-IP headers from a trusted proxy disagree about the client, so one of them came from the client; configure the proxy to set or remove each of them (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for)"
		}
		args := []any{"peer", peer.String(), "RemoteAddr", r.RemoteAddr}
		for _, name := range clientIPHeaders {
			if vs := r.Header.Values(name); len(vs) > 0 {
				args = append(args, name, clip(strings.Join(vs, ", "), 200))
			}
		}
		a.log.Warn(msg, args...)
	})
}

// clip shortens s to at most n bytes and a rune boundary: a copy, so the
// rest of s is not kept alive.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.Clone(s[:n])
}

// allowed reports whether the request's client is an internal address,
// and logs why not the first time a request is refused for a reason the
// configuration can fix.
func (a *allowlist) allowed(r *http.Request) (netip.Addr, bool) {
	ip, reason := a.decide(r)
	if reason != accepted {
		a.explain(r, ip, reason)
		return ip, false
	}
	return ip, contains(a.internal, ip)
}
