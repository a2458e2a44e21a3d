package panels_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// Flag is what the app records, with toolbar.RecordData, of a feature flag
// a request evaluated.
type Flag struct {
	Name string `json:"name"`
	On   bool   `json:"on"`
}

// flagsPanel shows the flags a request evaluated.
type flagsPanel struct{}

func (flagsPanel) ID() string    { return "flags" }
func (flagsPanel) Title() string { return "Flags" }
func (flagsPanel) Summary(r *panels.Record) string {
	fs, _ := panels.DataOf[Flag](r, "flags")
	return fmt.Sprintf("%d flags", len(fs))
}
func (flagsPanel) Level(*panels.Record) panels.Severity { return panels.Info }

// Content would be a templ component of a .templ file; this one is written
// by hand, to keep the example in one file.
func (flagsPanel) Content(r *panels.Record) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		fs, err := panels.DataOf[Flag](r, "flags")
		if err != nil {
			return err
		}
		fmt.Fprint(w, `<table class="dt-panel dt-table">`)
		for _, f := range fs {
			fmt.Fprintf(w, `<tr><td class="dt-mono">%s</td><td>%t</td></tr>`, html.EscapeString(f.Name), f.On)
		}
		_, err = fmt.Fprint(w, "</table>\n")
		return err
	})
}

// A panel of the app's own, shown a record as the JSON API serves it: a
// request that recorded two flags with toolbar.RecordData. The toolbar
// gives the panel the records it keeps in the same way.
func Example_panel() {
	var rec panels.Record
	err := json.Unmarshal([]byte(`{"version": 1, "id": "0c9a3c7e", "data": {"flags": [
		{"name": "new-checkout", "on": true}, {"name": "dark-mode", "on": false}]}}`), &rec)
	if err != nil {
		panic(err)
	}
	var p panels.Panel = flagsPanel{}
	fmt.Printf("%s: %s (%v)\n", p.Title(), p.Summary(&rec), p.Level(&rec))
	if err := p.Content(&rec).Render(context.Background(), os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// Flags: 2 flags (info)
	// <table class="dt-panel dt-table"><tr><td class="dt-mono">new-checkout</td><td>true</td></tr><tr><td class="dt-mono">dark-mode</td><td>false</td></tr></table>
}
