package toolbar

import (
	"strconv"
	"time"

	"github.com/debugtoolbar/debugtoolbar/panels"
)

// serverTiming is the Server-Timing header value, so the browser's own
// developer tools show the request's time in SQL and in the cache.
//
// A page the toolbar holds (to inject itself) sends its headers after the
// request has finished, and shows the record's own totals; a response
// that streams shows what was known when its headers went out.
func serverTiming(rec *panels.Record, col *collector) string {
	sqlTime, cacheTime, finished := col.totals()
	total := time.Since(rec.Start)
	if finished {
		total = rec.Duration
	}
	// The record's id lets the toolbar's script find the page's later
	// requests in the browser's resource timings.
	var buf [192]byte // on the stack: ids are 36 bytes
	b := buf[:0]
	b = appendMS(append(b, "total;dur="...), total)
	b = appendMS(append(b, `;desc="Total", sql;dur=`...), sqlTime)
	b = appendMS(append(b, `;desc="SQL", cache;dur=`...), cacheTime)
	b = append(append(append(b, `;desc="Cache", debugtoolbar;desc="`...), rec.ID...), '"')
	return string(b)
}

// appendMS appends d in milliseconds with two decimals, rounded half up
// from its whole microseconds.
func appendMS(b []byte, d time.Duration) []byte {
	us := d.Microseconds()
	if us < 0 {
		b, us = append(b, '-'), -us
	}
	h := (us + 5) / 10 // hundredths of a millisecond
	b = strconv.AppendInt(b, h/100, 10)
	return append(b, '.', byte('0'+h%100/10), byte('0'+h%10))
}
