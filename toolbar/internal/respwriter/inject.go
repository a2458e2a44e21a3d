package respwriter

import (
	"slices"
	"strings"
)

// inject returns body with markup inserted where l says, and each of l's
// CSP meta tags whose content meta changes rewritten. It may reuse body's
// storage, so the caller must not use body afterwards. The tags lie before
// the insertion point, so each edit leaves the offsets of those before it
// as they were.
func inject(body []byte, l layout, markup []byte, meta []string) []byte {
	body = slices.Insert(body, l.at, markup...)
	for i := len(meta) - 1; i >= 0; i-- {
		if m := l.meta[i]; meta[i] != m.content {
			body = slices.Replace(body, m.start, m.end, attrValue(meta[i])...)
		}
	}
	return body
}

// attrValue is v as a double-quoted attribute value.
func attrValue(v string) []byte {
	v = strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(v)
	return []byte(`"` + v + `"`)
}
