package datalayers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/examples/internal/readme"
)

// The README's "Data layers" section shows, for each data layer, code that
// is this package's: each Go block of each of its subsections must be lines
// of a source file here, indented alike, so the README cannot show code
// that does not compile or that these tests do not run.
func TestTheREADMEsDataLayersAreThisPackagesCode(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	must(t, err)
	section, ok := readme.Section(string(md), "## Data layers")
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
		blocks := readme.GoBlocks(sub)
		if len(blocks) == 0 {
			t.Errorf("%q has no Go code block", title)
		}
		for _, b := range blocks {
			if !readme.ContainsIndented(src, b) {
				t.Errorf("%q shows code that is not in examples/datalayers (put it in a function there, word for word):\n%s", title, strings.Join(b, "\n"))
			}
		}
	}
}
