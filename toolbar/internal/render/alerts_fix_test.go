package render

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
)

func TestAnAlertShowsItsFix(t *testing.T) {
	doc := renderHTML(t, alertsList(recordtest.Stray()))
	var fixes []string
	for _, n := range byTestID(doc, "alert-fix") {
		fixes = append(fixes, squash(n))
	}
	if !strings.Contains(strings.Join(fixes, "|"), "defer rows.Close()") {
		t.Errorf("fixes shown %q: want leaked_rows's, with defer rows.Close()", fixes)
	}
}
