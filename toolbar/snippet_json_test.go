package toolbar

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestTheSnippetsDataIsWhatEncodingJSONWrites(t *testing.T) {
	texts := []string{"", "plain", `quote " backslash \ slash /`, "</script><!--", "a & b > c", "tab\tnew\nline\rcr\x00\x1f\x7f",
		"héllo wörld", "日本語", "emoji 😀 𝄞", "line\u2028sep\u2029", "bad \xff\xfe utf-8 \xc3"}
	for _, s := range texts {
		d := toolbarData{ID: s, Method: s, Path: "/" + s, Status: 200, DurationMS: 12.345, Queries: 3, Alerts: 1, Level: "danger", TopAlert: s, Warnings: 2, Summary: s,
			Panels:         []panelEntry{{ID: "sql", Title: s, Summary: s, Level: "info"}, {ID: "x", Title: "X"}},
			RedirectedFrom: []panels.Redirect{{ID: "r", Method: "POST", URL: "/" + s, Status: 303}}}
		for _, d := range []toolbarData{d, {Path: s}} {
			got := appendSnippetData(nil, snippetHead("/__debug__/", "tok", []string{"/a.css", s}), s, &d)
			want, err := json.Marshal(struct {
				Prefix     string      `json:"prefix"`
				Token      string      `json:"token"`
				Styles     []string    `json:"styles"`
				StyleNonce string      `json:"style_nonce,omitempty"`
				Record     toolbarData `json:"record"`
			}{"/__debug__/", "tok", []string{"/a.css", s}, s, d})
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("%q: %v in %s", s, err, got)
			}
			json.Unmarshal(want, &w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%q:\n got %s\nwant %s", s, got, want)
			}
			for _, c := range got {
				if c >= 0x80 || c < 0x20 {
					t.Errorf("%q: byte %#x in %s", s, c, got)
					break
				}
			}
			if strings.ContainsAny(string(got), "<>&") {
				t.Errorf("%q: markup characters in %s", s, got)
			}
		}
	}
}

func TestTheHandleSaysOneQueryNotOneQueries(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{0: "0 queries", 1: "1 query", 2: "2 queries"} {
		rec := &panels.Record{Stats: panels.Stats{Statements: n}}
		if got := tb.toolbarData(rec, nil, nil).Summary; !strings.HasSuffix(got, " ms, "+want) {
			t.Errorf("%d statements: summary %q, want it to end in %q", n, got, want)
		}
	}
}

func TestTheHandlesWarningCountLeavesOutInfoAndAcceptedAlerts(t *testing.T) {
	tb, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &panels.Record{Alerts: []panels.Alert{
		{Kind: panels.AlertLargeResult, Severity: panels.Warning},
		{Kind: panels.AlertWideRows, Severity: panels.Info},
		{Kind: panels.AlertNPlusOne, Severity: panels.Danger, Accepted: true},
		{Kind: panels.AlertNoContext, Severity: panels.Info},
	}}
	if got := tb.toolbarData(rec, nil, nil).Warnings; got != 1 {
		t.Errorf("warning count %d, want 1 (one warning; info and accepted alerts left out)", got)
	}
}

// TestJSONStringsEscapeWhereverTheByteIs puts each byte that needs an
// escape at each place of a string long enough for appendJSONString to
// read it 8 bytes at a time: it comes back the same, in ASCII, with no
// markup characters.
func TestJSONStringsEscapeWhereverTheByteIs(t *testing.T) {
	special := []string{`"`, `\`, "<", ">", "&", "\x00", "\x1f", "\n", "\x7f", "é", "\xff", "😀", "\u2028"}
	for _, c := range special {
		for at := 0; at <= 17; at++ {
			s := strings.Repeat("a", at) + c + strings.Repeat("b", 17-at)
			got := appendJSONString(nil, s)
			var back, want string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("%q: %v in %s", s, err, got)
			}
			enc, _ := json.Marshal(s)
			json.Unmarshal(enc, &want)
			if back != want {
				t.Errorf("%q: decodes to %q, want %q", s, back, want)
			}
			if strings.ContainsAny(string(got), "<>&") || strings.ContainsFunc(string(got), func(r rune) bool { return r >= 0x80 || r < 0x20 }) {
				t.Errorf("%q: encoded as %s", s, got)
			}
		}
	}
}
