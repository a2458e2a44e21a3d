package render

import (
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/internal/recordtest"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

func TestTheRequestPanelShowsTheBodyTheAppRead(t *testing.T) {
	t.Run("JSON is shown as the toolbar formatted it", func(t *testing.T) {
		rec := recordtest.Realistic()
		rec.Request.Body = panels.RequestBody{ContentType: "application/json", Read: 2000, Truncated: true, Text: "{\n  \"password\": \"[redacted]\"\n}"}
		s := one(t, renderHTML(t, requestPanel{}.Content(rec)), "request-body")
		if got := text(one(t, s, "request-body-text")); got != rec.Request.Body.Text {
			t.Errorf("text = %q, want %q", got, rec.Request.Body.Text)
		}
		facts := factsOf(one(t, s, "request-body-facts"))
		if facts["Content type"] != "application/json" || !strings.HasPrefix(facts["Read by the app"], "2000 bytes, truncated") {
			t.Errorf("facts = %v", facts)
		}
	})
	t.Run("files are listed by name and size", func(t *testing.T) {
		rec := recordtest.Realistic()
		rec.Request.Body = panels.RequestBody{ContentType: "multipart/form-data; boundary=x", Read: 1200,
			Files: []panels.FormFile{{Field: "avatar", Filename: "me.png", ContentType: "image/png", Size: 1000}}}
		s := one(t, renderHTML(t, requestPanel{}.Content(rec)), "request-body")
		if got := strings.Join(rowsOf(t, one(t, s, "request-files")), " "); got != "avatar=me.png (1000 bytes, image/png)" {
			t.Errorf("files = %q", got)
		}
		if len(byTestID(s, "request-body-text")) != 0 {
			t.Error("a multipart body is shown as text")
		}
	})
	t.Run("a body the app did not read says so", func(t *testing.T) {
		s := one(t, renderHTML(t, requestPanel{}.Content(recordtest.Realistic())), "request-body")
		if none := byTestID(s, "none"); len(none) != 1 || text(none[0]) != "Not read by the app" {
			t.Errorf("no body shown as %q", squash(s))
		}
	})
}
