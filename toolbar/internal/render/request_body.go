package render

import (
	"strconv"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// bodyFacts are the body's labelled facts in the Request panel.
func bodyFacts(b panels.RequestBody) []pair {
	read := strconv.FormatInt(b.Read, 10) + " bytes"
	if b.Truncated {
		read += ", truncated: only the first are kept"
	}
	facts := []pair{{"Content type", orNone(b.ContentType)}, {"Read by the app", read}}
	if b.Note != "" {
		facts = append(facts, pair{"Note", b.Note})
	}
	return facts
}

func filePairs(fs []panels.FormFile) []pair {
	out := make([]pair, len(fs))
	for i, f := range fs {
		v := f.Filename + " (" + strconv.FormatInt(f.Size, 10) + " bytes"
		if f.ContentType != "" {
			v += ", " + f.ContentType
		}
		out[i] = pair{f.Field, v + ")"}
	}
	return out
}
