package toolbar

import (
	"fmt"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/toolbar/internal/render"
)

// DefaultPanels returns the built-in panels, in the order the toolbar shows
// them: Request, Response, Timer, SQL, Cache and Versions. It is what New
// uses when Config.Panels is nil; append your own to it:
//
//	toolbar.New(toolbar.Config{Panels: append(toolbar.DefaultPanels(), flagsPanel{})})
//
// Each call returns a new slice. Built with -tags nodebugtoolbar it returns
// nil, so that a release build does not link the panels.
func DefaultPanels() []panels.Panel {
	if !enabled {
		return nil
	}
	return render.Builtin()
}

// checkPanels validates Config.Panels: each panel has an id of lower-case
// letters, digits and '-' that no other has (it names the panel in URLs
// and element ids) and a title.
func checkPanels(ps []panels.Panel) error {
	seen := make(map[string]bool, len(ps))
	for i, p := range ps {
		if p == nil {
			return fmt.Errorf("toolbar: Panels[%d] is nil", i)
		}
		id := p.ID()
		if !panelID(id) {
			return fmt.Errorf("toolbar: Panels[%d] (%T) has ID %q: use lower-case letters, digits and '-'", i, p, id)
		}
		if seen[id] {
			return fmt.Errorf("toolbar: two panels have the ID %q", id)
		}
		seen[id] = true
		if p.Title() == "" {
			return fmt.Errorf("toolbar: panel %q has no Title", id)
		}
	}
	return nil
}

func panelID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
