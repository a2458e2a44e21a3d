package respwriter

import (
	"slices"
	"strings"
)

// inject returns body with markup inserted where l says, and each of l's
// CSP meta tags whose content meta changes rewritten. It may reuse body's
// storage, so the caller must not use body afterwards. The edits are made
// from the last to the first (a meta tag may follow the insertion point,
// between </head> and <body>), so each leaves the offsets of those before
// it as they were.
func inject(body []byte, l layout, markup []byte, meta []string) []byte {
	inserted := false
	for i := len(meta) - 1; i >= 0; i-- {
		m := l.meta[i]
		if !inserted && m.end <= l.at {
			body, inserted = slices.Insert(body, l.at, markup...), true
		}
		if meta[i] != m.content {
			body = slices.Replace(body, m.start, m.end, attrValue(meta[i])...)
		}
	}
	if !inserted {
		body = slices.Insert(body, l.at, markup...)
	}
	return body
}

// attrValue is v as a double-quoted attribute value.
func attrValue(v string) []byte {
	v = strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(v)
	return []byte(`"` + v + `"`)
}
