package datalayers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's "Data layers" section shows, for each data layer, code that
// is this package's: each Go block of each of its subsections must be lines
// of a source file here, indented alike, so the README cannot show code
// that does not compile or that these tests do not run.
func TestTheREADMEsDataLayersAreThisPackagesCode(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	section, ok := markdownSection(string(readme), "## Data layers")
	if !ok {
		t.Fatal(`README.md has no "## Data layers" section`)
	}
	var src []string
	files, err := filepath.Glob("*.go")
	must(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		must(t, err)
		src = append(src, strings.Split(string(b), "\n")...)
	}

	subsections := strings.Split(section, "\n### ")[1:]
	if len(subsections) < 9 {
		t.Errorf("the section has %d subsections, want one per data layer (9)", len(subsections))
	}
	for _, sub := range subsections {
		title, _, _ := strings.Cut(sub, "\n")
		blocks := goBlocks(sub)
		if len(blocks) == 0 {
			t.Errorf("%q has no Go code block", title)
		}
		for _, b := range blocks {
			if !containsIndented(src, b) {
				t.Errorf("%q shows code that is not in examples/datalayers (put it in a function there, word for word):\n%s", title, strings.Join(b, "\n"))
			}
		}
	}
}

// markdownSection returns the part of md from the line heading to the next
// heading of its level or above.
func markdownSection(md, heading string) (string, bool) {
	_, rest, ok := strings.Cut(md, "\n"+heading+"\n")
	if !ok {
		return "", false
	}
	level := strings.Index(heading, " ")
	fenced := false
	for i := 0; i < len(rest); {
		line, _, _ := strings.Cut(rest[i:], "\n")
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if h, _, _ := strings.Cut(line, " "); !fenced && h != "" && strings.Trim(h, "#") == "" && len(h) <= level {
			return rest[:i], true
		}
		i += len(line) + 1
	}
	return rest, true
}

// goBlocks returns the lines of md's ```go blocks, each without the
// indentation its lines have in common.
func goBlocks(md string) [][]string {
	var blocks [][]string
	var block []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, block = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, dedent(block))
		case in:
			block = append(block, line)
		}
	}
	return blocks
}

// dedent removes from lines the leading whitespace that all non-blank ones
// share.
func dedent(lines []string) []string {
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(l, prefix)
		if strings.TrimSpace(out[i]) == "" {
			out[i] = ""
		}
	}
	return out
}

// containsIndented reports whether src has block's lines in a row, each
// after the same leading whitespace (none on a blank line).
func containsIndented(src, block []string) bool {
	if len(block) == 0 {
		return true
	}
	for i := 0; i+len(block) <= len(src); i++ {
		indent, ok := strings.CutSuffix(src[i], block[0])
		if !ok || strings.TrimLeft(indent, " \t") != "" {
			continue
		}
		match := true
		for k, l := range block[1:] {
			s := src[i+1+k]
			if l == "" && strings.TrimSpace(s) != "" || l != "" && s != indent+l {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
