package respwriter

import (
	"strings"
)

// inject returns body with markup inserted where l says, and each of l's
// CSP meta tags whose content meta changes rewritten, as pieces appended
// to dst: parts of body and the new bytes between them, to be written in
// order. Nothing is copied, so a 100 KB page is not moved to make room
// for its snippet; the pieces share body's and markup's storage.
func inject(dst [][]byte, body []byte, l layout, markup []byte, meta []string) [][]byte {
	from := 0 // where the part of body still to be appended starts
	inserted := false
	for i, m := range l.meta {
		if !inserted && m.start >= l.at {
			dst, from, inserted = append(dst, body[from:l.at], markup), l.at, true
		}
		if i < len(meta) && meta[i] != m.content {
			dst, from = append(dst, body[from:m.start], attrValue(meta[i])), m.end
		}
	}
	if !inserted {
		dst, from = append(dst, body[from:l.at], markup), l.at
	}
	return append(dst, body[from:])
}

// attrValue is v as a double-quoted attribute value.
func attrValue(v string) []byte {
	v = strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(v)
	return []byte(`"` + v + `"`)
}
