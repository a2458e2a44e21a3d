package toolbar

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNodebugtoolbarLinksNoToolbar builds testdata/offapp, which calls
// every function of the toolbar's API, with and without -tags
// nodebugtoolbar, and reads the functions each binary links: the toolbar
// compiled in links its middleware, response writer, pages and panels;
// compiled out, nothing of them is left but package initialisers, the
// API's no-ops and what fmt may call on the record's types (String). The
// binary still imports panels, templ and assets, which Config and Store
// name, so their initialisers (and assets' embedded files) stay.
func TestNodebugtoolbarLinksNoToolbar(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	const repo = "github.com/debugtoolbar/debugtoolbar/"
	dir := t.TempDir()
	build := func(name string, flags ...string) (funcs []string, size int64) {
		t.Helper()
		bin := filepath.Join(dir, name)
		args := append(append([]string{"build"}, flags...), "-o", bin, "./testdata/offapp")
		if out, err := exec.Command(gobin, args...).CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		out, err := exec.Command(gobin, "tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm: %v", err)
		}
		for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && (f[1] == "T" || f[1] == "t") && strings.HasPrefix(f[2], repo) {
				funcs = append(funcs, strings.TrimPrefix(f[2], repo))
			}
		}
		fi, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		return funcs, fi.Size()
	}
	on, onSize := build("on")
	off, offSize := build("off", "-tags", "nodebugtoolbar")
	t.Logf("testdata/offapp: %d bytes with the toolbar, %d with -tags nodebugtoolbar; functions of this repository: %d and %d", onSize, offSize, len(on), len(off))

	// The control: compiled in, the binary has the toolbar's code.
	for _, want := range []string{"toolbar.(*Toolbar).serveObserved", "toolbar/internal/respwriter.(*Writer).Finish", "panels.(*Record).Finish", "toolbar.(*redactor).header"} {
		found := false
		for _, f := range on {
			found = found || f == want
		}
		if !found {
			t.Errorf("the binary with the toolbar lacks %s: the test no longer tells", want)
		}
	}

	for _, f := range off {
		pkg, name, _ := strings.Cut(f, ".")
		ok := name == "init" || strings.HasPrefix(name, "init.")
		switch pkg {
		case "sqltrace": // the app's own choice: it opens its database with it
			ok = true
		case "toolbar": // the API's no-ops
			ok = ok || name == "RecordCache" || strings.HasPrefix(name, "StartSpan") ||
				name == "(*Toolbar).Record" || name == "(*Toolbar).History" || name == "(*Toolbar).Close"
		case "panels": // reachable through the Store's *Record: fmt may call them
			ok = ok || strings.HasSuffix(name, ".String")
		}
		if !ok {
			t.Errorf("built with -tags nodebugtoolbar, the binary links %s", f)
		}
	}
}
