package csp

import (
	"reflect"
	"testing"
)

var needs = Needs{
	Host:         "127.0.0.1:8080",
	Script:       "/__debug__/static/toolbar.abc.js",
	Styles:       []string{"/__debug__/static/toolbar.def.css", "/__debug__/static/panels.123.css"},
	Connect:      "/__debug__/",
	TrustedTypes: "debugtoolbar",
	Nonce:        func() string { return "OWN" },
}

func TestAllow(t *testing.T) {
	tests := []struct {
		name                    string
		header, meta            []string
		wantHeader, wantMeta    []string // nil: unchanged
		scriptNonce, styleNonce string
		changes                 []string
	}{
		{
			name: "no policy needs nothing",
		},
		{
			name:   "a policy that allows the page's own origin is left alone",
			header: []string{"default-src 'self'"},
		},
		{
			name:        "an app's nonce in the header is used for scripts and styles",
			header:      []string{"default-src 'self'; script-src 'nonce-abc'; style-src 'nonce-abc'"},
			scriptNonce: "abc", styleNonce: "abc",
		},
		{
			name:        "an app's nonce in a meta tag is used",
			meta:        []string{"script-src 'nonce-m1'; style-src 'self'"},
			scriptNonce: "m1",
		},
		{
			name:        "the same nonce in the header and a meta tag is used",
			header:      []string{"script-src 'nonce-n1' 'strict-dynamic'"},
			meta:        []string{"script-src 'nonce-n1'"},
			scriptNonce: "n1",
		},
		{
			name:        "different nonces in the header and a meta tag get the toolbar's own in both",
			header:      []string{"script-src 'nonce-h1'"},
			meta:        []string{"script-src 'nonce-m1'"},
			wantHeader:  []string{"script-src 'nonce-h1' 'nonce-OWN'"},
			wantMeta:    []string{"script-src 'nonce-m1' 'nonce-OWN'"},
			scriptNonce: "OWN",
			changes:     []string{"header: added 'nonce-OWN' to script-src", "meta tag: added 'nonce-OWN' to script-src"},
		},
		{
			name:        "different nonces for scripts and styles are each used",
			header:      []string{"default-src 'self'; script-src 'nonce-s1'; style-src 'nonce-c1'"},
			scriptNonce: "s1", styleNonce: "c1",
		},
		{
			name:        "default-src 'none' gets a connect-src for the toolbar's prefix only",
			header:      []string{"default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'"},
			wantHeader:  []string{"default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'; connect-src 127.0.0.1:8080/__debug__/"},
			scriptNonce: "a", styleNonce: "a",
			changes: []string{"header: added 127.0.0.1:8080/__debug__/ to connect-src (new, with default-src's sources)"},
		},
		{
			name:       "connect-src 'none' becomes the toolbar's prefix",
			header:     []string{"default-src 'self'; connect-src 'none'"},
			wantHeader: []string{"default-src 'self'; connect-src 127.0.0.1:8080/__debug__/"},
			changes:    []string{"header: replaced 'none' with 127.0.0.1:8080/__debug__/ in connect-src"},
		},
		{
			name:       "a connect-src for another path gets the prefix added",
			header:     []string{"default-src 'self'; connect-src https://api.example.com 127.0.0.1:8080/api/"},
			wantHeader: []string{"default-src 'self'; connect-src https://api.example.com 127.0.0.1:8080/api/ 127.0.0.1:8080/__debug__/"},
			changes:    []string{"header: added 127.0.0.1:8080/__debug__/ to connect-src"},
		},
		{
			name:   "a connect-src that names the host allows the prefix",
			header: []string{"default-src 'self'; connect-src http://127.0.0.1:8080"},
		},
		{
			name:        "hashes only: the toolbar's own nonce is added to script-src, and styles fall back to default-src",
			header:      []string{"default-src 'none'; script-src 'sha256-AAAA'"},
			wantHeader:  []string{"default-src 'none'; script-src 'sha256-AAAA' 'nonce-OWN'; style-src 'nonce-OWN'; connect-src 127.0.0.1:8080/__debug__/"},
			scriptNonce: "OWN", styleNonce: "OWN",
			changes: []string{"header: added 'nonce-OWN' to script-src; added 'nonce-OWN' to style-src (new, with default-src's sources); added 127.0.0.1:8080/__debug__/ to connect-src (new, with default-src's sources)"},
		},
		{
			name:        "a script-src-elem is the directive that governs the script",
			header:      []string{"script-src 'self'; script-src-elem 'sha256-AAAA'"},
			wantHeader:  []string{"script-src 'self'; script-src-elem 'sha256-AAAA' 'nonce-OWN'"},
			scriptNonce: "OWN",
			changes:     []string{"header: added 'nonce-OWN' to script-src-elem"},
		},
		{
			name:        "'strict-dynamic' ignores 'self', so the nonce is needed",
			header:      []string{"script-src 'self' 'strict-dynamic' 'sha256-AAAA'"},
			wantHeader:  []string{"script-src 'self' 'strict-dynamic' 'sha256-AAAA' 'nonce-OWN'"},
			scriptNonce: "OWN",
			changes:     []string{"header: added 'nonce-OWN' to script-src"},
		},
		{
			name:       "'unsafe-inline' without nonces gets the files' URLs, as a nonce would switch it off",
			header:     []string{"default-src https://cdn.example.com 'unsafe-inline'"},
			wantHeader: []string{"default-src https://cdn.example.com 'unsafe-inline'; script-src https://cdn.example.com 'unsafe-inline' 127.0.0.1:8080/__debug__/static/toolbar.abc.js; style-src https://cdn.example.com 'unsafe-inline' 127.0.0.1:8080/__debug__/static/toolbar.def.css 127.0.0.1:8080/__debug__/static/panels.123.css; connect-src https://cdn.example.com 'unsafe-inline' 127.0.0.1:8080/__debug__/"},
			changes: []string{"header: added 127.0.0.1:8080/__debug__/static/toolbar.abc.js to script-src (new, with default-src's sources); " +
				"added 127.0.0.1:8080/__debug__/static/toolbar.def.css 127.0.0.1:8080/__debug__/static/panels.123.css to style-src (new, with default-src's sources); " +
				"added 127.0.0.1:8080/__debug__/ to connect-src (new, with default-src's sources)"},
		},
		{
			name:       "trusted-types gets the toolbar's policy name",
			header:     []string{"require-trusted-types-for 'script'; trusted-types app dompurify"},
			wantHeader: []string{"require-trusted-types-for 'script'; trusted-types app dompurify debugtoolbar"},
			changes:    []string{"header: added debugtoolbar to trusted-types"},
		},
		{
			name:     "trusted-types 'none' becomes the toolbar's policy name",
			meta:     []string{"require-trusted-types-for 'script'; trusted-types 'none'"},
			wantMeta: []string{"require-trusted-types-for 'script'; trusted-types debugtoolbar"},
			changes:  []string{"meta tag: replaced 'none' with debugtoolbar in trusted-types"},
		},
		{
			name:   "require-trusted-types-for alone allows any policy name",
			header: []string{"require-trusted-types-for 'script'"},
		},
		{
			name:   "trusted-types * allows the toolbar's",
			header: []string{"trusted-types *"},
		},
		{
			name:        "each policy of a header value is extended on its own",
			header:      []string{"script-src 'nonce-a', connect-src 'self'", "default-src 'none'; script-src 'nonce-a'"},
			wantHeader:  []string{"script-src 'nonce-a', connect-src 'self'", "default-src 'none'; script-src 'nonce-a'; style-src 'nonce-OWN'; connect-src 127.0.0.1:8080/__debug__/"},
			scriptNonce: "a", styleNonce: "OWN",
		},
		{
			name:        "a nonce that is not base64 is never used",
			header:      []string{`script-src 'nonce-a"b'`},
			wantHeader:  []string{`script-src 'nonce-a"b' 'nonce-OWN'`},
			scriptNonce: "OWN",
			changes:     []string{"header: added 'nonce-OWN' to script-src"},
		},
		{
			name:        "directive names are case-insensitive and only the first of a name counts",
			header:      []string{"Script-Src 'nonce-a'; script-src 'self'"},
			scriptNonce: "a",
		},
		{
			name:        "sources added to the last directive come before a new one",
			header:      []string{"default-src 'none'; trusted-types app"},
			wantHeader:  []string{"default-src 'none'; trusted-types app debugtoolbar; script-src 'nonce-OWN'; style-src 'nonce-OWN'; connect-src 127.0.0.1:8080/__debug__/"},
			scriptNonce: "OWN", styleNonce: "OWN",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Allow(tt.header, tt.meta, needs)
			if !reflect.DeepEqual(p.Header, tt.wantHeader) {
				t.Errorf("header\n got %q\nwant %q", p.Header, tt.wantHeader)
			}
			if !reflect.DeepEqual(p.Meta, tt.wantMeta) {
				t.Errorf("meta\n got %q\nwant %q", p.Meta, tt.wantMeta)
			}
			if p.ScriptNonce != tt.scriptNonce || p.StyleNonce != tt.styleNonce {
				t.Errorf("nonces %q, %q; want %q, %q", p.ScriptNonce, p.StyleNonce, tt.scriptNonce, tt.styleNonce)
			}
			if tt.changes != nil && !reflect.DeepEqual(p.Changes, tt.changes) {
				t.Errorf("changes\n got %q\nwant %q", p.Changes, tt.changes)
			}
			if (p.Header == nil && p.Meta == nil) != (p.Changes == nil) {
				t.Errorf("changes %q for header %q, meta %q", p.Changes, p.Header, p.Meta)
			}
		})
	}
}
