package respwriter

import (
	"bytes"
	"regexp"
	"testing"
)

const testSnippet = `<template data-testid="debugtoolbar"></template>`

func TestInject(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"a page gets the snippet before its </body>",
			"<html><body><p>hi</p></body></html>",
			"<html><body><p>hi</p>" + testSnippet + "</body></html>"},
		{"an upper-case </BODY> is found",
			"<HTML><BODY>hi</BODY></HTML>",
			"<HTML><BODY>hi" + testSnippet + "</BODY></HTML>"},
		{"a mixed-case </Body > with space is found",
			"<body>hi</Body >",
			"<body>hi" + testSnippet + "</Body >"},
		{"only the last </body> counts",
			`<body><script>let s = "</body>"</script></body>` + "\n",
			`<body><script>let s = "</body>"</script>` + testSnippet + "</body>\n"},
		{"a fragment without </body> gets it appended",
			"<p>fragment</p>",
			"<p>fragment</p>" + testSnippet},
		{"an empty body becomes the snippet",
			"",
			testSnippet},
		{"a </bodyx> is not the end tag",
			"<body>a</bodyx>",
			"<body>a</bodyx>" + testSnippet},
		{"an unterminated </body is not the end tag",
			"<body>a</body",
			"<body>a</body" + testSnippet},
		{"a </body> followed by a lone < still wins",
			"<body>a</body><",
			"<body>a" + testSnippet + "</body><"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := inject([]byte(tt.body), []byte(testSnippet))
			if string(got) != tt.want {
				t.Errorf("inject(%q)\n got %q\nwant %q", tt.body, got, tt.want)
			}
		})
	}
}

// bodyEndTag is the oracle for the fuzz target: a different way to find
// the same tag.
var bodyEndTag = regexp.MustCompile(`(?i)</body[ \t\n\f\r]*>`)

func FuzzInject(f *testing.F) {
	for _, s := range []string{
		"<html><body><p>hi</p></body></html>",
		"<HTML><BODY>x</BODY></HTML>",
		"</body></body>",
		"<p>fragment</p>",
		"",
		"</body\n\t >",
		"<</body><",
		"</bodY",
		testSnippet,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if bytes.Contains(body, []byte(testSnippet)) {
			t.Skip("the body already holds the snippet")
		}
		in := bytes.Clone(body)
		out := inject(body, []byte(testSnippet))

		// The snippet starts with its only '<', so a copy of it cannot
		// overlap the inserted one: exactly one means it was inserted once.
		if n := bytes.Count(out, []byte(testSnippet)); n != 1 {
			t.Fatalf("snippet appears %d times in %q", n, out)
		}
		i := bytes.Index(out, []byte(testSnippet))
		if back := append(bytes.Clone(out[:i]), out[i+len(testSnippet):]...); !bytes.Equal(back, in) {
			t.Fatalf("removing the snippet gives %q, want %q", back, in)
		}
		want := len(in)
		if m := bodyEndTag.FindAllIndex(in, -1); m != nil {
			want = m[len(m)-1][0]
		}
		if i != want {
			t.Fatalf("snippet at %d in %q, want %d", i, out, want)
		}
	})
}
