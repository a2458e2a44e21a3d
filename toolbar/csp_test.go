package toolbar

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// cspPage is what a page served through the toolbar says of its CSP.
type cspPage struct {
	header      []string // the Content-Security-Policy header values
	meta        []string // the content of each CSP meta tag
	scriptNonce string   // the nonce on the toolbar's script
	styleNonce  string   // the nonce its script gives its stylesheets
	changes     []string // what the record says was changed
}

// serveCSP serves a page with the CSP header csp (none when "") and the
// CSP meta tag meta (none when "") to an observed client.
func serveCSP(t *testing.T, tb *Toolbar, csp, meta string) cspPage {
	t.Helper()
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head>")
		if meta != "" {
			io.WriteString(w, `<meta http-equiv="Content-Security-Policy" content="`+html.EscapeString(meta)+`">`)
		}
		io.WriteString(w, "<title>t</title></head><body><p>hi</p></body></html>")
	}))
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "http://127.0.0.1:8080/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	h.ServeHTTP(w, r)
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("no record: %v", err)
	}
	if !rec.Response.Injected {
		t.Fatalf("not injected: %s", rec.Response.NotInjected)
	}
	doc, err := html.Parse(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := cspPage{header: w.Header().Values("Content-Security-Policy"), changes: rec.Response.CSP}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.Data == "meta" && strings.EqualFold(attrOf(n, "http-equiv"), "content-security-policy"):
			p.meta = append(p.meta, attrOf(n, "content"))
		case n.Data == "script" && strings.Contains(attrOf(n, "src"), "/static/toolbar."):
			p.scriptNonce = attrOf(n, "nonce")
		case n.Data == "script" && attrOf(n, "id") == "debugtoolbar-data":
			var data struct {
				StyleNonce string `json:"style_nonce"`
			}
			if err := json.Unmarshal([]byte(n.FirstChild.Data), &data); err != nil {
				t.Fatal(err)
			}
			p.styleNonce = data.StyleNonce
			if nonce := attrOf(n, "nonce"); nonce != p.scriptNonce && p.scriptNonce != "" {
				t.Errorf("the data's nonce %q is not the script's %q", nonce, p.scriptNonce)
			}
		}
	}
	return p
}

// testIDText returns the text, whitespace collapsed, of each element of
// the page whose data-testid is id.
func testIDText(t *testing.T, page, id string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || attrOf(n, "data-testid") != id {
			continue
		}
		var b strings.Builder
		for d := range n.Descendants() {
			if d.Type == html.TextNode {
				b.WriteString(d.Data + " ")
			}
		}
		out = append(out, strings.Join(strings.Fields(b.String()), " "))
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestTheToolbarGetsPastThePagesCSP(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, header, meta string
		want               cspPage // own: the toolbar's own nonce, whatever it is
	}{
		{
			name:   "a nonce in the header is used, and nothing changes",
			header: "default-src 'self'; script-src 'nonce-h1'",
			want:   cspPage{header: []string{"default-src 'self'; script-src 'nonce-h1'"}, scriptNonce: "h1"},
		},
		{
			name: "a nonce in a meta tag is used, and nothing changes",
			meta: "default-src 'self'; script-src 'nonce-m1'",
			want: cspPage{meta: []string{"default-src 'self'; script-src 'nonce-m1'"}, scriptNonce: "m1"},
		},
		{
			name:   "the same nonce in the header and a meta tag is used",
			header: "default-src 'self'; script-src 'nonce-b1'",
			meta:   "script-src 'nonce-b1'",
			want:   cspPage{header: []string{"default-src 'self'; script-src 'nonce-b1'"}, meta: []string{"script-src 'nonce-b1'"}, scriptNonce: "b1"},
		},
		{
			name:   "different nonces in the header and a meta tag get the toolbar's own nonce in both",
			header: "default-src 'self'; script-src 'nonce-h1'",
			meta:   "script-src 'nonce-m1'",
			want: cspPage{
				header:      []string{"default-src 'self'; script-src 'nonce-h1' 'nonce-own'"},
				meta:        []string{"script-src 'nonce-m1' 'nonce-own'"},
				scriptNonce: "own",
				changes:     []string{"header: added 'nonce-own' to script-src", "meta tag: added 'nonce-own' to script-src"},
			},
		},
		{
			name:   "different nonces for scripts and styles are each used",
			header: "default-src 'self'; script-src 'nonce-s1'; style-src 'nonce-c1'",
			want:   cspPage{header: []string{"default-src 'self'; script-src 'nonce-s1'; style-src 'nonce-c1'"}, scriptNonce: "s1", styleNonce: "c1"},
		},
		{
			name:   "default-src 'none' in the header gets the toolbar's prefix in connect-src",
			header: "default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'",
			want: cspPage{
				header:      []string{"default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'; connect-src 127.0.0.1:8080/__debug__/"},
				scriptNonce: "a", styleNonce: "a",
				changes: []string{"header: added 127.0.0.1:8080/__debug__/ to connect-src (new, with default-src's sources)"},
			},
		},
		{
			name: "default-src 'none' in a meta tag gets it there",
			meta: "default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'",
			want: cspPage{
				meta:        []string{"default-src 'none'; script-src 'nonce-a'; style-src 'nonce-a'; connect-src 127.0.0.1:8080/__debug__/"},
				scriptNonce: "a", styleNonce: "a",
				changes: []string{"meta tag: added 127.0.0.1:8080/__debug__/ to connect-src (new, with default-src's sources)"},
			},
		},
		{
			name:   "hashes only get the toolbar's own nonce",
			header: "script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
			want: cspPage{
				header:      []string{"script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'nonce-own'"},
				scriptNonce: "own",
				changes:     []string{"header: added 'nonce-own' to script-src"},
			},
		},
		{
			name:   "a trusted-types list gets the toolbar's policy",
			header: "require-trusted-types-for 'script'; trusted-types app",
			want: cspPage{
				header:  []string{"require-trusted-types-for 'script'; trusted-types app debugtoolbar"},
				changes: []string{"header: added debugtoolbar to trusted-types"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serveCSP(t, tb, tt.header, tt.meta)
			own := ""
			if tt.want.scriptNonce == "own" {
				own = got.scriptNonce
				if !validNonceForTest(own) || own == "own" {
					t.Fatalf("the toolbar's own nonce is %q", own)
				}
			}
			fix := func(ss []string) []string {
				var out []string
				for _, s := range ss {
					out = append(out, strings.ReplaceAll(s, "'nonce-own'", "'nonce-"+own+"'"))
				}
				return out
			}
			want := tt.want
			want.header, want.meta, want.changes = fix(want.header), fix(want.meta), fix(want.changes)
			if want.scriptNonce == "own" {
				want.scriptNonce = own
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// validNonceForTest accepts what crypto/rand.Text returns.
func validNonceForTest(n string) bool {
	return len(n) >= 16 && strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == ""
}

func TestAPageNotInjectedKeepsItsCSP(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const policy = "default-src 'none'"
	h := tb.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>a fragment</p>")
	}))
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	h.ServeHTTP(w, r)
	rec, err := tb.Record(context.Background(), w.Header().Get("X-Debug-Token"))
	if err != nil {
		t.Fatalf("no record: %v", err)
	}
	if got := w.Header().Values("Content-Security-Policy"); len(got) != 1 || got[0] != policy || rec.Response.CSP != nil || rec.Response.Injected {
		t.Errorf("CSP %q, record %+v", got, rec.Response)
	}
}
