// Package csp reads a page's Content-Security-Policy and extends it, for
// the toolbar's snippet only: its script, its stylesheets, its fetches
// under the toolbar's prefix, and its Trusted Types policy. A policy that
// already allows them is left alone; one that does not gets the least that
// allows them and nothing else:
//
//   - a nonce of the toolbar's own (never one of the app's, which would let
//     the app's elements past a policy that blocked them) in the directive
//     that governs script or style elements, or, where adding a nonce would
//     switch off the app's 'unsafe-inline', the exact URL of each file;
//   - the toolbar's prefix on the page's own host in connect-src;
//   - the toolbar's Trusted Types policy name in trusted-types.
//
// It never adds 'unsafe-inline', 'unsafe-eval', '*', a scheme or 'self'.
// A directive that falls back to default-src is added with a copy of
// default-src's sources, so nothing else changes for the app.
package csp

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Needs is what the toolbar's snippet needs the page's policies to allow.
type Needs struct {
	Host         string   // the page's host and port, as the browser asked for them
	Secure       bool     // the page came over HTTPS
	Script       string   // the path of the toolbar's script
	Styles       []string // the paths of its stylesheets
	Connect      string   // the path prefix it fetches from, ending in '/'
	TrustedTypes string   // the name of its Trusted Types policy
	Nonce        func() string
}

// Plan is how a page's policies are made to allow the toolbar.
type Plan struct {
	ScriptNonce string // the nonce for the toolbar's script elements; "" for none
	StyleNonce  string // the nonce for its stylesheets; "" for none
	// Header holds the new values of the Content-Security-Policy header,
	// and Meta the new content of each meta tag; nil when unchanged.
	Header []string
	Meta   []string
	// Changes says what was changed, one entry per policy changed:
	// "header: added 'nonce-…' to script-src; added 127.0.0.1:8080/__debug__/ to connect-src".
	Changes []string
}

// Allow returns the plan for a page whose Content-Security-Policy header
// values are header and whose <meta> policies are meta.
func Allow(header, meta []string, n Needs) Plan {
	var ps []*policy
	for i, v := range header {
		for _, sub := range splitList(v) {
			p := parse(v[sub[0]:sub[1]])
			p.header, p.index, p.off = true, i, sub[0]
			ps = append(ps, p)
		}
	}
	for i, v := range meta {
		p := parse(v)
		p.index = i
		ps = append(ps, p)
	}
	var pl Plan
	own := ""
	ownNonce := func() string {
		if own == "" {
			own = n.Nonce()
		}
		return own
	}
	pl.ScriptNonce = allowElements(ps, []string{"script-src-elem", "script-src", "default-src"}, true, n, []string{n.Script}, ownNonce)
	pl.StyleNonce = allowElements(ps, []string{"style-src-elem", "style-src", "default-src"}, false, n, n.Styles, ownNonce)
	for _, p := range ps {
		if d := p.effective("connect-src", "default-src"); d != nil && !d.allowsURL(n, n.Connect, false) {
			p.add(d, "connect-src", n.Host+n.Connect)
		}
		if d := p.directive("trusted-types"); d != nil && n.TrustedTypes != "" && !d.has("*") && !d.has(n.TrustedTypes) {
			p.add(d, "trusted-types", n.TrustedTypes)
		}
	}
	headerEdits := make([][]edit, len(header))
	metaEdits := make([][]edit, len(meta))
	for _, p := range ps {
		if len(p.changes) == 0 {
			continue
		}
		where := fmt.Sprintf("meta tag %d", p.index+1)
		if len(meta) == 1 {
			where = "meta tag"
		}
		if p.header {
			where = "header"
			for _, e := range p.edits {
				e.at += p.off
				e.end += p.off
				headerEdits[p.index] = append(headerEdits[p.index], e)
			}
		} else {
			metaEdits[p.index] = append(metaEdits[p.index], p.edits...)
		}
		pl.Changes = append(pl.Changes, where+": "+strings.Join(p.changes, "; "))
	}
	pl.Header = applyAll(header, headerEdits)
	pl.Meta = applyAll(meta, metaEdits)
	return pl
}

// allowElements makes every policy allow the toolbar's elements of one
// kind (scripts, stylesheets), whose effective directive is the first of
// names present, and returns the nonce they are to carry. An app's nonce
// that every policy already allows is kept and nothing changes.
func allowElements(ps []*policy, names []string, script bool, n Needs, urls []string, ownNonce func() string) string {
	var blocking []*policy // policies that the elements' URLs do not get past
	var nonces []string
	for _, p := range ps {
		d := p.effective(names...)
		if d == nil || d.allowsAll(n, urls, script) {
			continue
		}
		blocking = append(blocking, p)
		nonces = append(nonces, d.nonces()...)
	}
	if len(blocking) == 0 {
		for _, p := range ps { // allowed anyway: carry the app's nonce if it has one
			if d := p.effective(names...); d != nil {
				if ns := d.nonces(); len(ns) > 0 {
					return ns[0]
				}
			}
		}
		return ""
	}
	for _, nonce := range nonces {
		ok := true
		for _, p := range blocking {
			ok = ok && p.effective(names...).has("'nonce-"+nonce+"'")
		}
		if ok {
			return nonce
		}
	}
	nonce := ""
	for _, p := range blocking {
		d := p.effective(names...)
		if d.has("'unsafe-inline'") && !d.hasNonceOrHash() && !(script && d.has("'strict-dynamic'")) {
			// A nonce would switch the app's 'unsafe-inline' off.
			srcs := make([]string, len(urls))
			for i, u := range urls {
				srcs[i] = n.Host + u
			}
			p.add(d, names[1], srcs...)
			continue
		}
		nonce = ownNonce()
		p.add(d, names[1], "'nonce-"+nonce+"'")
	}
	return nonce
}

// policy is one serialized policy, parsed, with the edits that extend it.
type policy struct {
	text       string
	directives []*directive
	header     bool // from the header (else a meta tag)
	index      int  // which header value or meta tag
	off        int  // where it starts in its header value
	edits      []edit
	changes    []string
}

// directive is one directive of a policy; only its first occurrence counts.
type directive struct {
	name    string // lower case
	end     int    // the end of its last token in the policy's text
	sources []token
}

// token is a source expression and where it is.
type token struct {
	text       string
	start, end int
}

// edit replaces s[at:end] with text; a last edit goes after the others at
// the same place (a new directive after the sources added to the one that
// ends there).
type edit struct {
	at, end int
	text    string
	last    bool
}

// parse splits a policy into its directives, as CSP's "parse a serialized
// policy" does: ';' between directives, ASCII whitespace between tokens,
// names case-insensitive, only a name's first directive kept.
func parse(text string) *policy {
	p := &policy{text: text}
	seen := map[string]bool{}
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], ';')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		toks := tokens(text, start, end)
		if len(toks) > 0 {
			name := strings.ToLower(toks[0].text)
			if !seen[name] {
				seen[name] = true
				p.directives = append(p.directives, &directive{name: name, end: toks[len(toks)-1].end, sources: toks[1:]})
			}
		}
		start = end + 1
	}
	return p
}

// tokens are the whitespace-separated tokens of text[start:end].
func tokens(text string, start, end int) []token {
	var out []token
	for i := start; i < end; {
		for i < end && isSpace(text[i]) {
			i++
		}
		j := i
		for j < end && !isSpace(text[j]) {
			j++
		}
		if j > i {
			out = append(out, token{text: text[i:j], start: i, end: j})
		}
		i = j
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// splitList splits a header value into its policies (separated by ','),
// as [start, end) offsets, skipping empty ones.
func splitList(v string) [][2]int {
	var out [][2]int
	for start := 0; start <= len(v); {
		end := strings.IndexByte(v[start:], ',')
		if end < 0 {
			end = len(v)
		} else {
			end += start
		}
		if strings.TrimSpace(v[start:end]) != "" {
			out = append(out, [2]int{start, end})
		}
		start = end + 1
	}
	return out
}

func (p *policy) directive(name string) *directive {
	for _, d := range p.directives {
		if d.name == name {
			return d
		}
	}
	return nil
}

// effective is the first of names the policy has: CSP's fallback list.
func (p *policy) effective(names ...string) *directive {
	for _, name := range names {
		if d := p.directive(name); d != nil {
			return d
		}
	}
	return nil
}

// add makes the policy allow srcs for the directive name, whose effective
// directive is d: in d itself, or, when d is the default-src that name
// falls back to, in a new directive name with a copy of d's sources. A
// source list that is just 'none' becomes srcs. Each directive gets at
// most one add.
func (p *policy) add(d *directive, name string, srcs ...string) {
	list := strings.Join(srcs, " ")
	if d.name == "default-src" && name != "default-src" {
		text := name
		for _, s := range d.sources {
			if !strings.EqualFold(s.text, "'none'") {
				text += " " + s.text
			}
		}
		at := len(strings.TrimRight(p.text, " \t\n\f\r;"))
		sep := "; "
		if at == 0 {
			sep = ""
		}
		p.edits = append(p.edits, edit{at: at, end: at, text: sep + text + " " + list, last: true})
		p.changes = append(p.changes, fmt.Sprintf("added %s to %s (new, with default-src's sources)", list, name))
		return
	}
	if len(d.sources) == 1 && strings.EqualFold(d.sources[0].text, "'none'") {
		t := d.sources[0]
		p.edits = append(p.edits, edit{at: t.start, end: t.end, text: list})
		p.changes = append(p.changes, fmt.Sprintf("replaced 'none' with %s in %s", list, d.name))
		return
	}
	p.edits = append(p.edits, edit{at: d.end, end: d.end, text: " " + list})
	p.changes = append(p.changes, fmt.Sprintf("added %s to %s", list, d.name))
}

// has reports whether the directive lists a source expression;
// keywords and schemes are case-insensitive, nonces and hashes are not.
func (d *directive) has(src string) bool {
	for _, s := range d.sources {
		if s.text == src || !strings.HasPrefix(src, "'nonce-") && !strings.HasPrefix(src, "'sha") && strings.EqualFold(s.text, src) {
			return true
		}
	}
	return false
}

// nonces are the directive's nonces, the ones fit for the snippet.
func (d *directive) nonces() []string {
	var out []string
	for _, s := range d.sources {
		if len(s.text) > len("'nonce-'") && strings.EqualFold(s.text[:7], "'nonce-") && s.text[len(s.text)-1] == '\'' {
			if n := s.text[7 : len(s.text)-1]; validNonce(n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (d *directive) hasNonceOrHash() bool {
	for _, s := range d.sources {
		low := strings.ToLower(s.text)
		if strings.HasPrefix(low, "'nonce-") || strings.HasPrefix(low, "'sha256-") || strings.HasPrefix(low, "'sha384-") || strings.HasPrefix(low, "'sha512-") {
			return true
		}
	}
	return false
}

// allowsAll reports whether the directive allows every one of the paths on
// the page's own origin whatever their element's nonce.
func (d *directive) allowsAll(n Needs, paths []string, script bool) bool {
	for _, p := range paths {
		if !d.allowsURL(n, p, script) {
			return false
		}
	}
	return true
}

// allowsURL reports whether the directive allows a URL with this path on
// the page's own origin. It errs towards "no", which only makes the plan
// add a source that was not needed. For scripts, 'strict-dynamic' turns
// every URL source off.
func (d *directive) allowsURL(n Needs, path string, script bool) bool {
	if script && d.has("'strict-dynamic'") {
		return false
	}
	for _, s := range d.sources {
		low := strings.ToLower(s.text)
		switch {
		case low == "*", low == "'self'":
			return true
		case low == "http:", low == "https:" && n.Secure: // http: also matches https
			return true
		case strings.HasPrefix(low, "'"):
			continue
		case hostSourceMatches(low, n, path):
			return true
		}
	}
	return false
}

// hostSourceMatches reports whether a host-source (lower case) matches
// the URL of path on the page's host.
func hostSourceMatches(src string, n Needs, path string) bool {
	scheme, rest, ok := strings.Cut(src, "://")
	if !ok {
		rest, scheme = src, ""
	}
	switch scheme {
	case "", "http": // http also matches https
	case "https":
		if !n.Secure {
			return false
		}
	default:
		return false
	}
	hostPort, srcPath := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostPort, srcPath = rest[:i], rest[i:]
	}
	if hostPort != strings.ToLower(n.Host) {
		if h, p, ok := strings.Cut(hostPort, ":"); !ok || p != "*" || !strings.HasPrefix(strings.ToLower(n.Host), h+":") {
			return false
		}
	}
	switch {
	case srcPath == "" || srcPath == "/":
		return true
	case strings.HasSuffix(srcPath, "/"):
		return strings.HasPrefix(path, srcPath)
	default:
		return path == srcPath
	}
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

// applyAll applies each string's edits; nil when there are none.
func applyAll(vs []string, edits [][]edit) []string {
	changed := false
	for _, e := range edits {
		changed = changed || len(e) > 0
	}
	if !changed {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = apply(v, edits[i])
	}
	return out
}

// apply applies edits, which do not overlap, to s.
func apply(s string, edits []edit) string {
	slices.SortStableFunc(edits, func(a, b edit) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(b2i(a.last), b2i(b.last))
	})
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(s[last:e.at])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(s[last:])
	return b.String()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
