package render

import (
	"strconv"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// formatDuration shows a duration in milliseconds, the unit every panel
// compares in, with the precision that matters at its size: "0.04 ms",
// "3.21 ms", "41.5 ms", "812 ms", "12.3 s"; "< 0.01 ms" below that.
func formatDuration(d time.Duration) string {
	var buf [24]byte
	return string(appendDuration(buf[:0], d))
}

// appendDuration appends formatDuration(d).
func appendDuration(b []byte, d time.Duration) []byte {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d >= 10*time.Second:
		return append(strconv.AppendFloat(b, d.Seconds(), 'f', 1, 64), " s"...)
	case d >= 100*time.Millisecond:
		return append(strconv.AppendFloat(b, ms, 'f', 0, 64), " ms"...)
	case d >= 10*time.Millisecond:
		return append(strconv.AppendFloat(b, ms, 'f', 1, 64), " ms"...)
	case d > 0 && d < 10*time.Microsecond:
		return append(b, "< 0.01 ms"...) // not "0.00 ms", which reads as nothing at all
	}
	return append(strconv.AppendFloat(b, ms, 'f', 2, 64), " ms"...)
}

// msValue is a duration in milliseconds as an attribute value.
func msValue(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
}

// formatBytes shows a size in binary units: "512 B", "1.5 KiB", "3.0 MiB".
func formatBytes(n int64) string {
	var buf [24]byte
	return string(appendBytes(buf[:0], n))
}

// appendBytes appends formatBytes(n).
func appendBytes(b []byte, n int64) []byte {
	if n < 1024 {
		return append(strconv.AppendInt(b, n, 10), " B"...)
	}
	f := float64(n)
	for _, unit := range [...]string{"KiB", "MiB", "GiB", "TiB"} {
		f /= 1024
		if f < 1024 || unit == "TiB" {
			return append(append(strconv.AppendFloat(b, f, 'f', 1, 64), ' '), unit...)
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

// appendPlural appends plural(n, one, many).
func appendPlural(b []byte, n int, one, many string) []byte {
	if n == 1 {
		return append(append(b, "1 "...), one...)
	}
	return append(append(strconv.AppendInt(b, int64(n), 10), ' '), many...)
}

// countOf is a count shown beside a heading, empty for none.
func countOf(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// summaryAppender is a panel that appends its summary to a buffer: the
// built-in panels, whose summaries the snippet of every page carries.
type summaryAppender interface {
	AppendSummary(b []byte, r *panels.Record) []byte
}

// AppendSummary appends p's summary of r to b: without a string of its own
// for a built-in panel, p.Summary(r) for any other.
func AppendSummary(b []byte, p panels.Panel, r *panels.Record) []byte {
	if a, ok := p.(summaryAppender); ok {
		return a.AppendSummary(b, r)
	}
	return append(b, p.Summary(r)...)
}
