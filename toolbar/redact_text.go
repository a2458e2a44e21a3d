package toolbar

import (
	"strings"
)

// redactText hides the passwords that connection strings carry inside any
// text the toolbar keeps (a driver's error quoting its DSN, an argument, a
// header or form value):
//
//   - a URL's user info: postgres://bob:PW@db/app, redis://:PW@cache;
//   - Go's MySQL DSN: bob:PW@tcp(db:3306)/app, bob:PW@/app;
//   - a key=value pair whose key is a secret name: libpq's
//     "host=db password=PW", ADO's "Server=db;Password=PW;", and the
//     token=... of a URL's query. The value is a quoted string or runs to
//     the next space, ;, &, comma, quote or bracket.
//
// Text with neither @ nor = is returned as it is, without a look.
func redactText(s string) string {
	if strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '=') < 0 {
		return s
	}
	s = redactUserInfo(s)
	return redactPairs(s)
}

// redactUserInfo hides the password of every user:password@ in s that
// starts a URL's authority (after scheme://) or a Go MySQL DSN (before
// @proto( or @/).
func redactUserInfo(s string) string {
	var b strings.Builder
	last := 0 // s[:last] is in b, or nothing is when b is empty
	for at := 0; ; {
		i := strings.IndexByte(s[at:], '@')
		if i < 0 {
			break
		}
		at += i
		start := userInfoStart(s, at)
		if start >= 0 && start >= last {
			if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 && start+colon+1 < at {
				b.WriteString(s[last : start+colon+1])
				b.WriteString(Redacted)
				last = at
			}
		}
		at++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// userInfoStart returns where the user info that ends at s[at] == '@'
// begins, or -1 when that @ does not end a connection string's user info.
func userInfoStart(s string, at int) int {
	// The user info runs back to the authority's start: after "://", or
	// the start of the word for a MySQL DSN.
	i := at
	for i > 0 && !userInfoStop(s[i-1]) {
		i--
	}
	if i >= 3 && s[i-3:i] == "://" && schemeBefore(s, i-3) {
		// The password may hold an @ of its own: the authority ends at the
		// last @ before the host, so only the last @ counts.
		if j := strings.IndexAny(s[at+1:], "@/?# \t\r\n\"'<>"); j >= 0 && s[at+1+j] == '@' {
			return -1
		}
		return i
	}
	rest := s[at+1:]
	if strings.HasPrefix(rest, "/") || dsnProtocol(rest) {
		if strings.Contains(s[i:at], "//") {
			return -1
		}
		return i
	}
	return -1
}

// userInfoStop reports whether c cannot be part of a connection string's
// user info.
func userInfoStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', '<', '>', '(', ')', '[', ']', ',', ';', '=', '/':
		return true
	}
	return false
}

// schemeBefore reports whether s[:end] ends in a URL scheme ("postgres",
// "mongodb+srv").
func schemeBefore(s string, end int) bool {
	i := end
	for i > 0 {
		c := s[i-1]
		if isLower(c) || isUpper(c) || isDigit(c) || c == '+' || c == '-' || c == '.' {
			i--
			continue
		}
		break
	}
	return i < end && (isLower(s[i]) || isUpper(s[i]))
}

// dsnProtocol reports whether s starts with a Go MySQL DSN's protocol and
// address: "tcp(", "unix(".
func dsnProtocol(s string) bool {
	i := 0
	for i < len(s) && isLower(s[i]) {
		i++
	}
	return i > 0 && i < len(s) && s[i] == '('
}

// redactPairs hides the value of every key=value in s whose key is secret.
func redactPairs(s string) string {
	var b strings.Builder
	last := 0
	for eq := 0; ; eq++ {
		i := strings.IndexByte(s[eq:], '=')
		if i < 0 {
			break
		}
		eq += i
		// The key: word bytes (and _ . -) before the =, spaces allowed
		// around it as libpq allows.
		k := eq
		for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t') {
			k--
		}
		end := k
		for k > 0 && (isWordByte(s[k-1]) || s[k-1] == '_' || s[k-1] == '.' || s[k-1] == '-') {
			k--
		}
		if k == end || k < last || !secretName(s[k:end]) {
			continue
		}
		v := eq + 1
		for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
			v++
		}
		stop := valueEnd(s, v)
		if stop == v || s[v:stop] == Redacted {
			continue
		}
		b.WriteString(s[last:v])
		b.WriteString(Redacted)
		last = stop
		eq = stop - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// valueEnd returns where the value that starts at s[v] ends: after its
// closing quote, or at the next space, separator, quote or bracket.
func valueEnd(s string, v int) int {
	if v < len(s) && (s[v] == '\'' || s[v] == '"') {
		q := s[v]
		for i := v + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case q:
				return i + 1
			}
		}
		return len(s)
	}
	i := v
	for i < len(s) && !strings.ContainsRune(" \t\r\n;&,'\"<>()[]{}", rune(s[i])) {
		i++
	}
	return i
}
