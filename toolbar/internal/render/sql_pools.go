package render

import (
	"strconv"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// poolLines are the SQL panel's lines about the databases' pools: "sqlite
// pool: 1 open (1 in use, 0 idle), max 1 · 1 wait, 6.1 ms".
func poolLines(pools []panels.PoolStats) []string {
	var out []string
	for _, p := range pools {
		s := p.Name + " pool: " + strconv.Itoa(p.Open) + " open (" + strconv.Itoa(p.InUse) + " in use, " + strconv.Itoa(p.Idle) + " idle), max "
		if p.MaxOpen > 0 {
			s += strconv.Itoa(p.MaxOpen)
		} else {
			s += "unlimited"
		}
		if p.WaitCount > 0 || p.WaitDuration > 0 {
			s += " · " + plural(int(p.WaitCount), "wait", "waits") + ", " + formatDuration(p.WaitDuration)
			if p.Overlapped {
				s += " (other requests ran meanwhile)"
			}
		}
		out = append(out, s)
	}
	return out
}
