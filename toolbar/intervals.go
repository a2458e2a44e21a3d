package toolbar

import (
	"slices"
	"time"
)

// intervals collects stretches of time and tells how much of a window they
// cover together, so operations that ran side by side on several
// goroutines count once. It keeps at most maxIntervals; past that a new
// stretch widens the last one, which can only overstate the cover within
// the window.
type intervals []interval

type interval struct{ from, to time.Time }

const maxIntervals = 1024

func (iv *intervals) add(from, to time.Time) {
	if !to.After(from) {
		return
	}
	if n := len(*iv); n >= maxIntervals {
		last := &(*iv)[n-1]
		if from.Before(last.from) {
			last.from = from
		}
		if to.After(last.to) {
			last.to = to
		}
		return
	}
	*iv = append(*iv, interval{from, to})
}

// union returns how much of [from, to] the stretches cover.
func (iv intervals) union(from, to time.Time) time.Duration {
	s := slices.Clone(iv)
	slices.SortFunc(s, func(a, b interval) int { return a.from.Compare(b.from) })
	var total time.Duration
	var end time.Time
	for _, x := range s {
		a, b := later(x.from, from), earlier(x.to, to)
		if a.Before(end) {
			a = end
		}
		if b.After(a) {
			total += b.Sub(a)
			end = b
		}
	}
	return total
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
