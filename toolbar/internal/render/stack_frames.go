package render

import (
	"context"
	"strings"

	"github.com/a-h/templ"
	"github.com/debugtoolbar/debugtoolbar/panels"
)

// frameRun is consecutive frames of one kind.
type frameRun struct {
	Lib    bool
	Frames []panels.Frame
}

// stackRuns splits a stack into runs of app and library frames, without
// the toolbar's own frames.
func stackRuns(fs []panels.Frame) []frameRun {
	var runs []frameRun
	for _, f := range fs {
		if isToolbarFrame(f) {
			continue
		}
		lib := !f.IsApp()
		if n := len(runs); n > 0 && runs[n-1].Lib == lib {
			runs[n-1].Frames = append(runs[n-1].Frames, f)
			continue
		}
		runs = append(runs, frameRun{Lib: lib, Frames: []panels.Frame{f}})
	}
	return runs
}

// shownFrames counts the frames of runs.
func shownFrames(runs []frameRun) int {
	n := 0
	for _, r := range runs {
		n += len(r.Frames)
	}
	return n
}

// toolbarFrames are the function prefixes of the toolbar's own code,
// hidden from stacks.
var toolbarFrames = []string{
	"github.com/debugtoolbar/debugtoolbar/toolbar.", "github.com/debugtoolbar/debugtoolbar/toolbar/",
	"github.com/debugtoolbar/debugtoolbar/sqltrace.", "github.com/debugtoolbar/debugtoolbar/sqltrace/",
	"github.com/debugtoolbar/debugtoolbar/panels.", "github.com/debugtoolbar/debugtoolbar/panels/",
}

func isToolbarFrame(f panels.Frame) bool {
	for _, p := range toolbarFrames {
		if strings.HasPrefix(f.Function, p) {
			return true
		}
	}
	return false
}

// editorURL is the open-in-editor link of a frame, false for none.
func editorURL(ctx context.Context, f panels.Frame) (templ.SafeURL, bool) {
	return optionsOf(ctx).Editor.URL(f.File, f.Line)
}

// frameTitle is a frame's full path and line, mapped to the editor's side.
func frameTitle(ctx context.Context, f panels.Frame) string {
	if f.File == "" {
		return frameFull(f)
	}
	return frameFull(panels.Frame{File: optionsOf(ctx).Editor.MapPath(f.File), Line: f.Line})
}
