package toolbar

import (
	"testing"
	"time"
)

func TestAppendMS(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.00"},
		{4 * time.Microsecond, "0.00"},
		{5 * time.Microsecond, "0.01"},   // half up
		{5999 * time.Nanosecond, "0.01"}, // whole microseconds first
		{1234 * time.Microsecond, "1.23"},
		{1235 * time.Microsecond, "1.24"},
		{99995 * time.Microsecond, "100.00"},
		{12345600 * time.Microsecond, "12345.60"},
		{-time.Millisecond, "-1.00"},
	} {
		if got := string(appendMS([]byte("dur="), c.d)); got != "dur="+c.want {
			t.Errorf("appendMS(%v) = %q, want %q", c.d, got, "dur="+c.want)
		}
	}
}
