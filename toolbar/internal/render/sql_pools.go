package render

import (
	"strconv"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// poolLines are the SQL panel's lines about the pools of the databases
// the request's queries ran on (or that it waited for): "sqlite pool: 1
// open (1 in use, 0 idle), max 1 · 1 wait, 6.1 ms". Two databases of one
// driver are told apart by their numbers.
func poolLines(r *panels.Record) []string {
	used := map[int32]bool{}
	for i := range r.Queries {
		used[int32(r.Queries[i].DB)] = true
	}
	var shown []panels.PoolStats
	names := map[string]int{}
	for _, p := range r.Pools {
		if used[p.DB] || used[0] || p.WaitCount > 0 {
			shown = append(shown, p)
			names[p.Name]++
		}
	}
	var out []string
	for _, p := range shown {
		name := p.Name
		if names[p.Name] > 1 {
			name += " #" + strconv.Itoa(int(p.DB))
		}
		s := name + " pool: " + strconv.Itoa(p.Open) + " open (" + strconv.Itoa(p.InUse) + " in use, " + strconv.Itoa(p.Idle) + " idle), max "
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
