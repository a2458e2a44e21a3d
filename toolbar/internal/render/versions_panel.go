package render

import (
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/a-h/templ"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// versionsPanel shows what the program was built from: the Go version, the
// main module and its VCS revision, and every dependency with its version
// and replacement.
type versionsPanel struct{}

// ID implements panels.Panel.
func (versionsPanel) ID() string { return "versions" }

// Title implements panels.Panel.
func (versionsPanel) Title() string { return "Versions" }

// Summary implements panels.Panel: the Go version.
func (versionsPanel) Summary(*panels.Record) string { return versions().Go }

// Level implements panels.Panel.
func (versionsPanel) Level(*panels.Record) panels.Severity { return panels.Info }

// Content implements panels.Panel. The record plays no part: the build is the
// same for every request.
func (versionsPanel) Content(*panels.Record) templ.Component { return versionsContent(versions()) }

// buildVersions is what the binary says about its build.
type buildVersions struct {
	Go       string
	Platform string
	Main     string // module path
	Version  string // "(devel)" for a build from a work tree
	Revision string
	Time     string
	Modified string
	Deps     []dependency
	Settings []pair
}

type dependency struct {
	Path, Version, Replace string
}

// versions reads the build information once: it never changes while the
// program runs.
var versions = sync.OnceValue(func() *buildVersions {
	v := &buildVersions{Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Main, v.Version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value
		}
		v.Settings = append(v.Settings, pair{s.Key, s.Value})
	}
	for _, d := range bi.Deps {
		dep := dependency{Path: d.Path, Version: d.Version}
		if r := d.Replace; r != nil {
			dep.Replace = r.Path
			if r.Version != "" {
				dep.Replace += " " + r.Version
			}
		}
		v.Deps = append(v.Deps, dep)
	}
	return v
})
