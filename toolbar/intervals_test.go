package toolbar

import (
	"testing"
	"time"
)

func TestIntervalsCountTimeRunSideBySideOnce(t *testing.T) {
	t0 := time.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var iv intervals
	iv.add(at(-5), at(10)) // starts before the window
	iv.add(at(5), at(20))  // overlaps the first
	iv.add(at(30), at(40))
	iv.add(at(35), at(38))  // inside the third
	iv.add(at(90), at(200)) // ends after the window
	if got, want := iv.union(at(0), at(100)), 40*time.Millisecond; got != want {
		t.Errorf("union = %v, want %v (0-20, 30-40, 90-100)", got, want)
	}
	for range 2 * maxIntervals {
		iv.add(at(1), at(2))
	}
	if len(iv) > maxIntervals {
		t.Errorf("%d intervals kept, want at most %d", len(iv), maxIntervals)
	}
}
