package assets_test

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/assets"
)

func TestHashedNamesServeTheirFiles(t *testing.T) {
	for _, name := range []string{"toolbar.js", "toolbar.css", "panels.css"} {
		h := assets.Path(name)
		if h == name || !strings.HasSuffix(h, name[strings.LastIndexByte(name, '.'):]) {
			t.Errorf("Path(%q) = %q, want a content-hashed name", name, h)
		}
		got, content, ok := assets.Open(h)
		want, err := fs.ReadFile(assets.FS, name)
		if !ok || got != name || err != nil || !bytes.Equal(content, want) {
			t.Errorf("Open(%q) = %q, %d bytes, %v", h, got, len(content), ok)
		}
	}
	if _, _, ok := assets.Open("toolbar.js"); ok {
		t.Error("an unhashed name is served; it could then be cached forever under a changing content")
	}
	if assets.Path("nope.js") != "nope.js" {
		t.Error("Path of a missing file should be the name itself")
	}
}
