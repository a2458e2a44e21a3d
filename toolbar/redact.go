package toolbar

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Redacted replaces every hidden value.
const Redacted = "[redacted]"

// secretWords are the words that make a name secret wherever they stand in
// it: "api_key", "X-Api-Key" and "privateKey" are secret, "keyword",
// "monkey" and "author" are not (see words).
var secretWords = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true,
	"secret": true, "secrets": true, "token": true, "tokens": true,
	"key": true, "keys": true, "apikey": true,
	"auth": true, "authorization": true, "authentication": true,
	"session": true, "sessions": true, "sessionid": true, "sid": true,
	"cookie": true, "cookies": true,
	"credential": true, "credentials": true, "creds": true,
	"signature": true, "sig": true,
	"otp": true, "totp": true, "hotp": true, "mfa": true, "pin": true,
	"jwt": true, "bearer": true, "csrf": true, "xsrf": true,
}

// secretSuffixes make secret a word that ends in one, for names written as
// one word: "newpassword", "clientsecret", "accesstoken", "privatekey".
var secretSuffixes = []string{"password", "passwd", "secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "sessionid", "credentials", "credential"}

// redactor hides the values of names that look secret, and passwords in
// text.
type redactor struct {
	extra []string // lower-case fragments from Config.RedactNames

	sqlMu    sync.Mutex
	sqlCache map[string]*sqlSecrets // by statement text; see sqlInfo
	// The statement read last, found without hashing it: the loop of an
	// N+1 runs one statement again and again.
	lastSQL  string
	lastInfo *sqlSecrets

	// names remembers secret's answers: an app's requests carry the same
	// few header names again and again (at most maxSecretNames kept).
	names sync.Map // string -> bool
	nameN atomic.Int32
}

const maxSecretNames = 1024

func newRedactor(extra []string) *redactor {
	r := &redactor{sqlCache: map[string]*sqlSecrets{}}
	for _, n := range extra {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			r.extra = append(r.extra, n)
		}
	}
	return r
}

// secret reports whether a header, field, column or argument called name
// holds a secret: one of its words is a secret word or ends in a secret
// suffix, or it contains one of Config.RedactNames.
func (r *redactor) secret(name string) bool {
	if v, ok := r.names.Load(name); ok {
		return v.(bool)
	}
	secret := r.isSecret(name)
	if r.nameN.Load() < maxSecretNames {
		if _, loaded := r.names.LoadOrStore(name, secret); !loaded {
			r.nameN.Add(1)
		}
	}
	return secret
}

func (r *redactor) isSecret(name string) bool {
	if secretName(name) {
		return true
	}
	if len(r.extra) == 0 {
		return false
	}
	name = strings.ToLower(name)
	for _, n := range r.extra {
		if strings.Contains(name, n) {
			return true
		}
	}
	return false
}

// secretName reports whether one of name's words is secret. Words are
// split at every character that is not an ASCII letter or digit, between
// letters and digits, and where the case changes: "X-Api-Key", "api_key",
// "apiKey" and "APIKey" are all "api" and "key"; "user[password]" is
// "user" and "password".
func secretName(name string) bool {
	for i := 0; i < len(name); {
		if !isWordByte(name[i]) {
			i++
			continue
		}
		start := i
		for i++; i < len(name) && isWordByte(name[i]) && !wordBreak(name, i); i++ {
		}
		if secretWord(name[start:i]) {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// wordBreak reports whether a new word starts at name[i], within a run of
// word bytes: "userPassword" at P, "APIKey" at K, "oauth2" at 2.
func wordBreak(name string, i int) bool {
	prev, c := name[i-1], name[i]
	switch {
	case isLower(prev) && isUpper(c):
		return true
	case isUpper(prev) && isUpper(c):
		return i+1 < len(name) && isLower(name[i+1])
	}
	return isDigit(prev) != isDigit(c) && (isDigit(prev) || isDigit(c))
}

// secretWord reports whether w, one word of a name, is secret.
func secretWord(w string) bool {
	if len(w) < 3 {
		return false
	}
	if last := letterBit(w[len(w)-1]); (letterBit(w[0])&secretFirsts == 0 || last&secretLasts == 0) && last&suffixLasts == 0 {
		return false // most words: "dur", "desc", "max-age"'s
	}
	var buf [32]byte
	var lower []byte
	if len(w) <= len(buf) {
		lower = buf[:len(w)]
		for i := 0; i < len(w); i++ {
			c := w[i]
			if isUpper(c) {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
	} else {
		lower = []byte(strings.ToLower(w))
	}
	if secretWords[string(lower)] {
		return true
	}
	for _, s := range secretSuffixes {
		if bytes.HasSuffix(lower, []byte(s)) {
			return true
		}
	}
	return false
}

// A secret word starts with one of secretFirsts and ends with one of
// secretLasts, and a word with a secret suffix ends with one of
// suffixLasts (TestSecretLetters checks them against the lists): a word
// that does neither is not secret, told without lowering it or looking it
// up.
const (
	secretFirsts = 1 /* a */ | 1<<('b'-'a') | 1<<('c'-'a') | 1<<('h'-'a') | 1<<('j'-'a') | 1<<('k'-'a') |
		1<<('m'-'a') | 1<<('o'-'a') | 1<<('p'-'a') | 1<<('s'-'a') | 1<<('t'-'a') | 1<<('x'-'a')
	secretLasts = 1 /* a */ | 1<<('d'-'a') | 1<<('e'-'a') | 1<<('f'-'a') | 1<<('g'-'a') | 1<<('h'-'a') |
		1<<('l'-'a') | 1<<('n'-'a') | 1<<('p'-'a') | 1<<('r'-'a') | 1<<('s'-'a') | 1<<('t'-'a') | 1<<('y'-'a')
	suffixLasts = 1<<('d'-'a') | 1<<('l'-'a') | 1<<('n'-'a') | 1<<('s'-'a') | 1<<('t'-'a') | 1<<('y'-'a')
)

// letterBit is the bit of c's letter, in either case, in the masks above;
// 0 for a byte that is not a letter.
func letterBit(c byte) uint32 {
	if c |= 0x20; 'a' <= c && c <= 'z' {
		return 1 << (c - 'a')
	}
	return 0
}

// Bounds of what a record keeps of a request's or response's names and
// values (headers, query, form): a value is cut to maxValueBytes, a name to
// maxNameBytes, and once one set of them has kept maxValuesBytes the rest
// are dropped; both marked. The URL is cut to maxURLBytes.
const (
	maxValueBytes  = 4 << 10
	maxNameBytes   = 256
	maxValuesBytes = 64 << 10
	maxURLBytes    = 8 << 10
)

// budget caps what one set of names and values keeps.
type budget struct{ left int }

func newBudget() *budget { return &budget{left: maxValuesBytes} }

// keep returns what is kept of s: s itself, or a copy of its start, marked.
func (b *budget) keep(s string, limit int) string {
	n := min(limit, b.left)
	if len(s) <= n {
		b.left -= len(s)
		return s
	}
	b.left -= max(n, 0)
	if n <= 0 {
		return fmt.Sprintf("[dropped: %d bytes past the toolbar's cap]", len(s))
	}
	return fmt.Sprintf("%s… [truncated from %d bytes]", clip(s, n), len(s))
}

// values applies keep to each of vs, after f. The result is carved from
// room when it has enough (see redactor.header).
func (b *budget) values(vs []string, f func(string) string, room *[]string) []string {
	var out []string
	if len(*room) >= len(vs) {
		out, *room = (*room)[:len(vs):len(vs)], (*room)[len(vs):]
	} else {
		out = make([]string, len(vs))
	}
	for i, v := range vs {
		out[i] = b.keep(f(v), maxValueBytes)
	}
	return out
}

// header returns a copy of h with secret values hidden and long ones cut;
// Cookie and Set-Cookie values are always hidden (their names are kept).
// A Server-Timing value equal to timing, the one the toolbar added, is
// kept as it is: it holds the toolbar's durations and the record's id.
func (r *redactor) header(h http.Header, timing string) http.Header {
	out := make(http.Header, len(h))
	b := newBudget()
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	room := make([]string, n) // the values, in one allocation
	for k, vs := range h {
		k := b.keep(k, maxNameBytes)
		switch {
		case k == "Cookie":
			out[k] = []string{b.keep(redactCookieHeader(strings.Join(vs, "; ")), maxValuesBytes)}
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
		case len(r.extra) == 0 && plainHeader(k):
			out[k] = b.values(vs, redactText, &room)
		case r.secret(k) && !strings.HasPrefix(k, "X-Debug-Token"): // the toolbar's own ids are not secrets
			out[k] = []string{Redacted}
		case urlHeader(k):
			out[k] = b.values(vs, r.urlText, &room)
		case k == "Server-Timing" && timing != "":
			out[k] = b.values(vs, func(v string) string {
				if v == timing {
					return v
				}
				return redactText(v)
			}, &room)
		default:
			out[k] = b.values(vs, redactText, &room)
		}
	}
	return out
}

// urlHeader reports whether the header named k holds URLs, whose query
// strings may carry secrets.
func urlHeader(k string) bool {
	switch k {
	case "Referer", "Location", "Content-Location", "Refresh":
		return true
	}
	return false
}

// plainHeader reports whether k is one of the headers nearly every request
// or response has, whose names are not secret (TestPlainHeadersAreNotSecret)
// and whose values hold no URL: told without looking the name up.
func plainHeader(k string) bool {
	switch k {
	case "Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Connection", "Content-Length",
		"Content-Type", "Date", "Etag", "Host", "Last-Modified", "User-Agent", "Vary",
		"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "X-Debug-Token", "X-Debug-Token-Link":
		return true
	}
	return false
}

func redactCookieHeader(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[i] = name + "=" + Redacted
	}
	return strings.Join(parts, "; ")
}

// values returns a copy of v with the values of secret names hidden,
// passwords in the others hidden, and long ones cut (see budget).
func (r *redactor) values(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	b := newBudget()
	for k, vs := range v {
		secret := r.secret(k)
		k := b.keep(k, maxNameBytes)
		if secret {
			out[k] = []string{Redacted}
		} else {
			out[k] = append(out[k], b.values(vs, redactText, new([]string))...) // two long names may be cut alike
		}
	}
	return out
}

// requestURI is u's request URI as the record shows it, with secrets in
// its query hidden by the rules of values, cut to maxURLBytes.
func (r *redactor) requestURI(u *url.URL) string {
	s := r.urlText(u.RequestURI())
	if len(s) > maxURLBytes {
		s = fmt.Sprintf("%s… [truncated from %d bytes]", clip(s, maxURLBytes), len(s))
	}
	return s
}

// urlText hides the secrets of a URL or request URI: a password in its
// user info, and the values of secret names in its query and in its
// fragment (where OAuth's implicit flow puts access_token).
func (r *redactor) urlText(s string) string {
	rest, frag, hasFrag := strings.Cut(s, "#")
	path, query, hasQuery := strings.Cut(rest, "?")
	path = redactText(path)
	if hasQuery {
		query = r.query(query)
	}
	if hasFrag {
		frag = r.query(frag)
	}
	if !hasQuery && !hasFrag {
		return path
	}
	var b strings.Builder
	b.Grow(len(path) + len(query) + len(frag) + 2)
	b.WriteString(path)
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(query)
	}
	if hasFrag {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String()
}

// query hides secret values in a raw query string, keeping its encoding
// and order. Both & and ; separate pairs (servers differ on ;).
func (r *redactor) query(q string) string {
	var b strings.Builder
	changed := false
	for rest := q; rest != ""; {
		pair, sep := rest, ""
		if i := strings.IndexAny(rest, "&;"); i >= 0 {
			pair, sep, rest = rest[:i], rest[i:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		if k, v, ok := strings.Cut(pair, "="); ok && v != "" {
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			if r.secret(name) {
				pair, changed = k+"="+Redacted, true
			} else if text, err := url.QueryUnescape(v); err == nil {
				if hidden := redactText(text); hidden != text {
					pair, changed = k+"="+queryEscape(hidden), true
				}
			}
		}
		b.WriteString(pair)
		b.WriteString(sep)
	}
	if !changed {
		return q
	}
	return b.String()
}

// queryEscape escapes s for a query, leaving Redacted readable.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), url.QueryEscape(Redacted), Redacted)
}

// Bounds of what the toolbar keeps of an error's text.
const maxErrorBytes = 4 << 10

// event hides an operation's secrets before it is kept: arguments named
// secret or bound to a secret column, secret literals in its SQL, and DSN
// passwords in its string arguments and its error (see sqlArgs, sqlText,
// err).
func (r *redactor) event(e *sqltrace.Event) {
	info := r.sqlInfo(e.SQL) // one lookup for both
	e.Args = r.sqlArgsOf(info, e.Args)
	e.SQL = info.text
	e.Err = r.err(e.Err)
}

// err returns err as the toolbar keeps it: its text, taken once now with
// passwords hidden and capped, so that showing it never calls the app's
// Error method again (one that panics would cut the connection of every
// page that shows it). The original stays reachable for errors.Is and
// errors.As.
func (r *redactor) err(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*recordedError); ok {
		return err
	}
	return &recordedError{text: r.message(errorText(err)), err: err}
}

// errText is err's text as the record keeps it (see err), "" for nil.
func (r *redactor) errText(err error) string {
	if err == nil {
		return ""
	}
	return r.err(err).Error()
}

// message is an error's or a panic's text as the record keeps it:
// passwords hidden, cut to maxErrorBytes.
func (r *redactor) message(text string) string {
	text = redactText(text)
	if len(text) > maxErrorBytes {
		text = fmt.Sprintf("%s… [truncated from %d bytes]", clip(text, maxErrorBytes), len(text))
	}
	return text
}

// recordedError is an error as the toolbar keeps it (see redactor.err).
type recordedError struct {
	text string
	err  error
}

func (e *recordedError) Error() string { return e.text }
func (e *recordedError) Unwrap() error { return e.err }

// errorText is err.Error(), or says that it panicked.
func errorText(err error) (text string) {
	defer func() {
		if p := recover(); p != nil {
			text = fmt.Sprintf("(Error() panicked: %v)", p)
		}
	}()
	return err.Error()
}
