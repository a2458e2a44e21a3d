package respwriter

import (
	"bytes"
	"slices"
)

// inject returns body with snippet inserted before the last </body> end tag,
// or appended when the body has none. It may reuse body's storage, so the
// caller must not use body afterwards.
func inject(body, snippet []byte) []byte {
	return slices.Insert(body, insertAt(body), snippet...)
}

// insertAt is where inject puts the snippet: the offset of the last </body>
// end tag (ASCII case-insensitive, whitespace allowed before the '>'), or
// len(body). Searching backwards finds it after a few bytes on real pages.
func insertAt(body []byte) int {
	for end := len(body); ; {
		i := bytes.LastIndexByte(body[:end], '<')
		if i < 0 {
			return len(body)
		}
		if isBodyEndTag(body[i:]) {
			return i
		}
		end = i
	}
}

// isBodyEndTag reports whether b starts with a </body> end tag.
func isBodyEndTag(b []byte) bool {
	const tag = "</body"
	if len(b) < len(tag) || b[0] != '<' || b[1] != '/' {
		return false
	}
	for i := 2; i < len(tag); i++ {
		if b[i]|0x20 != tag[i] { // ASCII lower case; only 'B' and 'b' give 'b'
			return false
		}
	}
	for _, c := range b[len(tag):] {
		switch c {
		case '>':
			return true
		case ' ', '\t', '\n', '\f', '\r':
		default:
			return false
		}
	}
	return false
}
