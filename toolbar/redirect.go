package toolbar

import (
	"crypto/sha256"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Redirect bookkeeping: after POST /login → 303 → GET /home, the record of
// the GET names the POST, so the page a redirect lands on links to the
// request that did the work. Browsers and fetch follow a redirect at once,
// from the same client, to the URL in Location; the toolbar remembers each
// observed redirect for a short while under that client and URL, and the
// next observed request from the client for the URL takes it.
//
// It lives on the server, not in a cookie: the app's responses gain no
// header or cookie for it (a cookie would show up in the app's own
// request, in the Request panel, and in what its handlers read), and a
// client that is not observed never reaches it.
const (
	// redirectTTL is how long a redirect waits for its follow-up. A
	// browser follows within milliseconds; a request much later for the
	// same URL is a visit of its own.
	redirectTTL = 30 * time.Second
	// redirectMax bounds the redirects waiting at once (each holds a
	// chain of at most redirectChainMax requests).
	redirectMax = 256
	// redirectChainMax is the longest chain kept, the newest hops; browsers
	// give up after 20.
	redirectChainMax = 10
	// redirectURLMax is the most bytes of a hop's URL kept in a chain (the
	// hop's own record has it in full).
	redirectURLMax = 1024
)

// redirects are the observed redirects waiting for their follow-up
// request. Safe for concurrent use.
type redirects struct {
	mu      sync.Mutex
	pending map[redirectKey]pendingRedirect
	waiting atomic.Int64 // len(pending), read without mu
	max     int
	ttl     time.Duration
	now     func() time.Time
}

// redirectKey is a hash of the client and the target URL, so that a long
// URL costs no more than a short one.
type redirectKey [sha256.Size]byte

type pendingRedirect struct {
	chain []panels.Redirect // first hop first; the last one redirected to the key's URL
	at    time.Time
}

func newRedirects(max int, ttl time.Duration) *redirects {
	return &redirects{pending: make(map[redirectKey]pendingRedirect), max: max, ttl: ttl, now: time.Now}
}

// remember keeps chain for the next take of key. A later redirect to the
// same URL from the same client replaces an earlier one. When full, the
// expired entries go first, then the oldest.
func (rs *redirects) remember(key redirectKey, chain []panels.Redirect) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	now := rs.now()
	if _, ok := rs.pending[key]; !ok && len(rs.pending) >= rs.max {
		rs.sweep(now)
		for len(rs.pending) > 0 && len(rs.pending) >= rs.max {
			var oldest redirectKey
			at := now
			for k, p := range rs.pending {
				if !p.at.After(at) {
					oldest, at = k, p.at
				}
			}
			delete(rs.pending, oldest)
		}
	}
	rs.pending[key] = pendingRedirect{chain: chain, at: now}
	rs.waiting.Store(int64(len(rs.pending)))
}

// take returns and forgets the chain waiting for key, if it has not
// expired.
func (rs *redirects) take(key redirectKey) []panels.Redirect {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	p, ok := rs.pending[key]
	if !ok {
		return nil
	}
	delete(rs.pending, key)
	rs.waiting.Store(int64(len(rs.pending)))
	if rs.now().Sub(p.at) > rs.ttl {
		return nil
	}
	return p.chain
}

// sweep drops the expired entries.
func (rs *redirects) sweep(now time.Time) {
	for k, p := range rs.pending {
		if now.Sub(p.at) > rs.ttl {
			delete(rs.pending, k)
		}
	}
}

// len is how many redirects are waiting, expired ones included.
func (rs *redirects) len() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.pending)
}

// clientKey names a client's request for a URL: the address the
// allowlist judged, the User-Agent (two browsers on one machine are two
// clients), the host and the request URI.
func (tb *Toolbar) clientKey(r *http.Request, host, uri string) redirectKey {
	client, _ := tb.allow.client(r)
	return sha256.Sum256([]byte(client.String() + "\x00" + r.Header.Get("User-Agent") + "\x00" + strings.ToLower(host) + "\x00" + uri))
}

// redirectedFrom is the chain of redirects that led to r, taken from the
// waiting ones.
func (tb *Toolbar) redirectedFrom(r *http.Request) []panels.Redirect {
	if tb.redirects.waiting.Load() == 0 { // most requests: no hash to compute
		return nil
	}
	return tb.redirects.take(tb.clientKey(r, r.Host, r.URL.RequestURI()))
}

// rememberRedirect keeps rec's redirect, when its response was one, for
// the request that follows it. It runs before the middleware returns, so
// before net/http sends the response and the client can follow it (unless
// the handler flushed a redirect, which no browser waits for).
func (tb *Toolbar) rememberRedirect(r *http.Request, rec *panels.Record, h http.Header) {
	if !isRedirect(rec.Response.Status) {
		return
	}
	loc := h.Get("Location")
	if loc == "" {
		return
	}
	target, err := url.Parse(loc)
	if err != nil || (target.Host != "" && !strings.EqualFold(target.Host, r.Host)) {
		return // unreadable, or another site: its requests are not ours
	}
	target = r.URL.ResolveReference(target)
	u := rec.Request.URL
	if len(u) > redirectURLMax {
		u = u[:redirectURLMax] + "..." // an escaped request URI: ASCII
	}
	chain := append(slices.Clone(rec.RedirectedFrom), panels.Redirect{
		ID: rec.ID, Method: rec.Request.Method, URL: u, Status: rec.Response.Status,
	})
	if len(chain) > redirectChainMax {
		chain = chain[len(chain)-redirectChainMax:]
	}
	tb.redirects.remember(tb.clientKey(r, r.Host, target.RequestURI()), chain)
}

// isRedirect reports whether a response with status sends the client on to
// its Location.
func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
