package budgets_test

import (
	"os"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/examples/internal/readme"
)

// The README's "Query budgets in tests" shows this package's tests: each
// of its Go blocks must be lines of budgets_test.go, indented alike, so
// the README cannot show code that does not compile or does not pass.
func TestTheREADMEsQueryBudgetsAreThisPackagesTests(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section, ok := readme.Section(string(md), "### Query budgets in tests")
	if !ok {
		t.Fatal(`README.md has no "### Query budgets in tests" section`)
	}
	src, err := os.ReadFile("budgets_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readme.GoBlocks(section)
	if len(blocks) == 0 {
		t.Error("the section has no Go code block")
	}
	for _, b := range blocks {
		if !readme.ContainsIndented(strings.Split(string(src), "\n"), b) {
			t.Errorf("the section shows code that is not in examples/budgets/budgets_test.go (put it there, word for word):\n%s", strings.Join(b, "\n"))
		}
	}
}
