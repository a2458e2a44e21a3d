package toolbar

import (
	"fmt"
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
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) }
	// The record's id lets the toolbar's script find the page's later
	// requests in the browser's resource timings.
	return fmt.Sprintf(`total;dur=%s;desc="Total", sql;dur=%s;desc="SQL", cache;dur=%s;desc="Cache", debugtoolbar;desc="%s"`,
		ms(total), ms(sqlTime), ms(cacheTime), rec.ID)
}
