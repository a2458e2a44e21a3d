package render

import (
	"runtime"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestVersionsPanel(t *testing.T) {
	doc := renderHTML(t, versionsPanel{}.Content(&panels.Record{}))
	facts := factsOf(one(t, doc, "versions-facts"))
	if facts["Go"] != runtime.Version() {
		t.Errorf("Go = %q, want %q", facts["Go"], runtime.Version())
	}
	if facts["Platform"] != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Platform = %q", facts["Platform"])
	}
	if facts["Main module"] != "github.com/debugtoolbar/debugtoolbar" {
		t.Errorf("Main module = %q", facts["Main module"])
	}
	// A test binary lists no dependencies; the table says so.
	deps := one(t, doc, "versions-deps")
	if len(byTestID(deps, "dependency"))+len(byTestID(deps, "none")) == 0 {
		t.Errorf("the dependencies section is empty")
	}
	if rows := strings.Join(rowsOf(t, one(t, doc, "versions-settings")), " "); !strings.Contains(rows, "-compiler=gc") {
		t.Errorf("build settings = %q", rows)
	}
}
