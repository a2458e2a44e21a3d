package render

import (
	"strconv"
	"time"
)

// formatDuration shows a duration in milliseconds, the unit every panel
// compares in, with the precision that matters at its size: "0.04 ms",
// "3.21 ms", "41.5 ms", "812 ms", "12.3 s"; "< 0.01 ms" below that.
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d >= 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	case d >= 100*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case d >= 10*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case d > 0 && d < 10*time.Microsecond:
		return "< 0.01 ms" // not "0.00 ms", which reads as nothing at all
	}
	return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
}

// msValue is a duration in milliseconds as an attribute value.
func msValue(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
}

// formatBytes shows a size in binary units: "512 B", "1.5 KiB", "3.0 MiB".
func formatBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	f := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		f /= 1024
		if f < 1024 || unit == "TiB" {
			return strconv.FormatFloat(f, 'f', 1, 64) + " " + unit
		}
	}
	panic("unreachable")
}

// percent shows part of whole as "42%"; a zero whole is 0%.
func percent(part, whole float64) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*part/whole, 'f', 0, 64) + "%"
}

// plural returns "1 query" or "3 queries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// countOf is a count shown beside a heading, empty for none.
func countOf(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
