package render

import (
	"strconv"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// RaisedPage is what the loud mode's error page shows (see Raised): the
// record of the request it stopped and the alerts that stopped it.
type RaisedPage struct {
	Data   PageData
	Record *panels.Record
	Alerts []RaisedAlert
	// Status and Size are the page the app served, which the error page
	// replaces.
	Status int
	Size   int64
}

// RaisedAlert is a loud alert with where its fix belongs.
type RaisedAlert struct {
	Alert panels.Alert
	Sites []panels.Frame
}

// site is a frame as "path/to/file.go:45".
func site(f panels.Frame) string { return f.File + ":" + strconv.Itoa(f.Line) }

// alertCount is "1 alert" or "3 alerts".
func alertCount(n int) string {
	if n == 1 {
		return "1 alert"
	}
	return strconv.Itoa(n) + " alerts"
}
