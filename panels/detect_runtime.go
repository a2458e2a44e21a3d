package panels

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// runtimeAlerts are the findings about how the request used its
// resources while it ran, rather than about its SQL: waits for a
// database connection (detect_pool.go), transactions left open or held
// across an outgoing call (detect_tx.go), and outgoing calls made one
// after another that could have run together (detect_http.go). They read
// only what the record holds, so a record decoded from JSON gives the
// same alerts.
func (r *Record) runtimeAlerts(t Thresholds) []Alert {
	if r.Outside { // not one request's work: no request to blame
		return nil
	}
	var alerts []Alert
	alerts = append(alerts, r.poolAlerts(t)...)
	alerts = append(alerts, r.txAlerts()...)
	alerts = append(alerts, r.serialHTTPAlerts()...)
	return alerts
}

// siteSet collects an alert's sites from stack indexes: each line once,
// in the order met, at most maxSites.
type siteSet struct {
	r     *Record
	sites []Frame
}

func (s *siteSet) add(stack int32) {
	f := s.r.Caller(stack)
	if f.File == "" || len(s.sites) >= maxSites {
		return
	}
	for _, g := range s.sites {
		if g.File == f.File && g.Line == f.Line {
			return
		}
	}
	s.sites = append(s.sites, f)
}

// where lists the sites as "file.go:12, file.go:14", or "an unknown
// caller".
func (s *siteSet) where() string {
	if len(s.sites) == 0 {
		return "an unknown caller"
	}
	var b strings.Builder
	for i, f := range s.sites {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s:%d", filepath.Base(f.File), f.Line)
	}
	return b.String()
}

// shortDur rounds a duration for a message: "52ms", "1.2s", "340µs".
func shortDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}
