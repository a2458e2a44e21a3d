package render

import (
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestResponsePanelSaysWhatTheToolbarChangedInTheCSP(t *testing.T) {
	tests := []struct {
		name     string
		resp     panels.Response
		injected string
		csp      []string // nil: no CSP fact
	}{
		{"a page injected with its CSP unchanged says so",
			panels.Response{Status: 200, Injected: true}, "yes", []string{"unchanged"}},
		{"a page injected with its CSP extended lists each change",
			panels.Response{Status: 200, Injected: true, CSP: []string{
				"header: added 'nonce-abc' to script-src",
				"meta tag: added 127.0.0.1:8080/__debug__/ to connect-src",
			}},
			"yes", []string{"header: added 'nonce-abc' to script-src", "meta tag: added 127.0.0.1:8080/__debug__/ to connect-src"}},
		{"a page not injected says why, and nothing of a CSP",
			panels.Response{Status: 200, NotInjected: "fragment (no <html>, <body> or doctype)"}, "no: fragment (no <html>, <body> or doctype)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := renderHTML(t, responsePanel{}.Content(&panels.Record{Response: tt.resp}))
			if got := squash(one(t, doc, "response-injected")); got != tt.injected {
				t.Errorf("Toolbar injected: %q, want %q", got, tt.injected)
			}
			facts := byTestID(doc, "response-csp")
			if tt.csp == nil {
				if len(facts) != 0 {
					t.Errorf("a CSP fact for a page not injected: %q", squash(facts[0]))
				}
				return
			}
			var got []string
			if changes := byTestID(doc, "response-csp-change"); len(changes) > 0 {
				for _, c := range changes {
					got = append(got, squash(c))
				}
			} else {
				got = []string{squash(one(t, doc, "response-csp"))}
			}
			if len(got) != len(tt.csp) {
				t.Fatalf("CSP fact %q, want %q", got, tt.csp)
			}
			for i := range got {
				if got[i] != tt.csp[i] {
					t.Errorf("CSP fact %q, want %q", got, tt.csp)
				}
			}
		})
	}
}
