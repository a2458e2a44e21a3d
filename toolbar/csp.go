package toolbar

import (
	"net/http"
	"strings"
)

// cspNonce returns the nonce the response's Content-Security-Policy allows
// for scripts (from script-src, else default-src), or "".
func cspNonce(h http.Header) string {
	var fallback string
	for _, policy := range h.Values("Content-Security-Policy") {
		for _, directive := range strings.Split(policy, ";") {
			fields := strings.Fields(directive)
			if len(fields) == 0 {
				continue
			}
			name := strings.ToLower(fields[0])
			if name != "script-src" && name != "script-src-elem" && name != "default-src" {
				continue
			}
			for _, src := range fields[1:] {
				if n, ok := strings.CutPrefix(src, "'nonce-"); ok && strings.HasSuffix(n, "'") {
					n = strings.TrimSuffix(n, "'")
					if !validNonce(n) {
						continue
					}
					if name == "default-src" {
						fallback = n
						continue
					}
					return n
				}
			}
		}
	}
	return fallback
}

// validNonce accepts the base64 alphabets only, so a nonce never needs
// escaping and the snippet stays ASCII.
func validNonce(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
			return false
		}
	}
	return n != ""
}
