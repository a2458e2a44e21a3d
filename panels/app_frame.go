package panels

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
)

// isAppFrame reports whether a frame is the app's own code rather than
// the standard library's, a dependency's (the module cache, vendor) or the
// toolbar's.
func isAppFrame(f Frame) bool {
	file := f.File
	switch {
	case file == "",
		strings.Contains(file, "/pkg/mod/"), strings.Contains(file, "/vendor/"),
		strings.HasPrefix(file, goroot()):
		return false
	case !strings.HasPrefix(file, "/") && !strings.Contains(file, ":"): // -trimpath: "net/http/server.go", "github.com/go-chi/chi/v5@v5.2.3/mux.go"
		first, _, _ := strings.Cut(file, "/")
		if !strings.Contains(first, ".") || strings.Contains(file, "@v") {
			return false
		}
	}
	for _, p := range toolbarPackages {
		if strings.HasPrefix(f.Function, p) {
			return false
		}
	}
	return true
}

// toolbarPackages are the function prefixes of the toolbar's own code.
var toolbarPackages = []string{
	"github.com/debugtoolbar/debugtoolbar/toolbar.",
	"github.com/debugtoolbar/debugtoolbar/toolbar/",
	"github.com/debugtoolbar/debugtoolbar/sqltrace.",
	"github.com/debugtoolbar/debugtoolbar/sqltrace/",
	"github.com/debugtoolbar/debugtoolbar/panels.",
}

// goroot is the standard library's source directory, with its trailing
// slash, as the binary's file names have it (found from a runtime
// function's file, as runtime.GOROOT is not where the binary was built).
var goroot = sync.OnceValue(func() string {
	f := runtime.FuncForPC(reflect.ValueOf(runtime.Callers).Pointer())
	if f == nil {
		return "\x00"
	}
	file, _ := f.FileLine(f.Entry())
	if dir, ok := strings.CutSuffix(file, "runtime/extern.go"); ok {
		return dir
	}
	return "\x00"
})

// IsApp reports whether the frame is the app's own code: not the standard
// library's, a dependency's (the module cache, vendor) or the toolbar's.
func (f Frame) IsApp() bool { return isAppFrame(f) }
