package toolbar

import (
	"net/http"
	"strings"
)

// narrowAcceptEncoding leaves in an observed request's Accept-Encoding only
// the codings the toolbar can read back (gzip and identity). A compressor
// the toolbar wraps (chi's Compress after tb.Middleware) then answers gzip,
// which the toolbar decodes, injects into and encodes again, instead of br,
// zstd or deflate, which it would have to pass through without the
// toolbar. A compressor that wraps the toolbar has chosen its coding from
// the client's header already and is not affected. The header is copied,
// so what the client sent stays in the record and in the server's request.
func narrowAcceptEncoding(r *http.Request) {
	vs, ok := r.Header["Accept-Encoding"]
	if !ok {
		return
	}
	var kept []string
	changed := false
	for _, v := range vs {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			coding, _, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "identity":
				kept = append(kept, part)
			case "":
			default:
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	if len(kept) == 0 {
		kept = []string{"identity"}
	}
	r.Header = r.Header.Clone()
	r.Header["Accept-Encoding"] = []string{strings.Join(kept, ", ")}
}
