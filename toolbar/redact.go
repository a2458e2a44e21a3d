package toolbar

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
)

// Redacted replaces every hidden value.
const Redacted = "[redacted]"

var secretNames = []string{"password", "passwd", "secret", "token", "key", "auth", "session"}

// redactor hides the values of names that look secret.
type redactor struct{ names []string }

func newRedactor(extra []string) *redactor {
	r := &redactor{names: append([]string(nil), secretNames...)}
	for _, n := range extra {
		r.names = append(r.names, strings.ToLower(n))
	}
	return r
}

func (r *redactor) secret(name string) bool {
	name = strings.ToLower(name)
	for _, n := range r.names {
		if strings.Contains(name, n) {
			return true
		}
	}
	return false
}

// header returns a copy of h with secret values hidden; Cookie and
// Set-Cookie values are always hidden (their names are kept).
func (r *redactor) header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		switch {
		case k == "Cookie":
			out[k] = []string{redactCookieHeader(strings.Join(vs, "; "))}
		case k == "Set-Cookie":
			c := make([]string, len(vs))
			for i, v := range vs {
				name, rest, _ := strings.Cut(v, "=")
				_, attrs, _ := strings.Cut(rest, ";")
				c[i] = name + "=" + Redacted
				if attrs != "" {
					c[i] += ";" + attrs
				}
			}
			out[k] = c
		case r.secret(k) && !strings.HasPrefix(k, "X-Debug-Token"): // the toolbar's own ids are not secrets
			out[k] = []string{Redacted}
		default:
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

func redactCookieHeader(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[i] = name + "=" + Redacted
	}
	return strings.Join(parts, "; ")
}

func (r *redactor) values(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		if r.secret(k) {
			out[k] = []string{Redacted}
		} else {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// args hides SQL arguments passed with sql.Named under a secret name.
func (r *redactor) args(args []any) {
	for i, a := range args {
		if na, ok := a.(sql.NamedArg); ok && r.secret(na.Name) {
			args[i] = sql.Named(na.Name, Redacted)
		}
	}
}
