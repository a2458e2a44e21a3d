package toolbar

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// csrfHeader carries the toolbar's token on its POST requests.
const csrfHeader = "X-Debugtoolbar-Token"

// csrf guards the toolbar's endpoints that act (EXPLAIN a query, and any
// button that changes something): the request must be a POST, from a page
// of the same origin, carrying the toolbar's token in csrfHeader. The
// token is a random secret of this toolbar, given only to its own pages
// and to the snippet in observed pages (both served to allowed clients
// only), so a page of another site cannot make an allowed developer's
// browser act, even though the browser sends the cookies and the address
// is allowed. Every toolbar URL is behind the allowlist besides.
type csrf struct{ token string }

func newCSRF() csrf {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	return csrf{token: hex.EncodeToString(b[:])}
}

// protect serves next only for a same-origin POST with the token; anything
// else is answered 405 (not a POST) or 403.
func (c csrf) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: "POST only"})
			return
		}
		if why := c.refuse(r); why != "" {
			writeJSON(w, http.StatusForbidden, apiError{Error: why})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse says why r may not act, or "" when it may.
func (c csrf) refuse(r *http.Request) string {
	// Browsers say where a request comes from; a script without a browser
	// (curl, a test) says nothing, and needs the token all the same.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "cross-site request refused (Sec-Fetch-Site: " + site + ")"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || origin == "null" || !strings.EqualFold(u.Host, r.Host) {
			return "cross-origin request refused (Origin: " + origin + ")"
		}
	}
	got := r.Header.Get(csrfHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.token)) != 1 {
		return "missing or wrong " + csrfHeader + " header"
	}
	return ""
}
