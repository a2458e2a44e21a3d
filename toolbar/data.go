package toolbar

import (
	"context"
	"encoding/json"
)

// maxDataBytes is the largest value RecordData keeps, encoded.
const maxDataBytes = 64 << 10

// RecordData records v under key on the record of the request ctx belongs
// to, for a panel of your own to show (see panels.Panel; the panel reads
// it back with panels.DataOf): the feature flags a request evaluated, the
// user it ran as, the templates it rendered. v is encoded as JSON now, so
// later changes to it are not seen and the record can be kept in a store.
// Values under one key are kept in the order recorded.
//
// Secrets are the caller's to leave out: the toolbar cannot tell which
// fields of v are. A value that cannot be encoded, or that is larger than
// 64 KiB encoded, or that does not fit in Config.MaxRecordBytes, is
// dropped and counted. Without the toolbar's middleware in ctx, or for a
// request that is not observed, RecordData does nothing, at the cost of
// one context lookup (v is not encoded). It is safe to call from any
// goroutine.
func RecordData(ctx context.Context, key string, v any) {
	c := collectorFrom(ctx)
	if c == nil {
		return
	}
	b, err := json.Marshal(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.done:
		c.rec.AddLate()
	case err != nil || len(b) > maxDataBytes || !c.fits(0, 1, len(key)+len(b)+48):
		c.rec.DataDropped++
	default:
		if c.rec.Data == nil {
			c.rec.Data = make(map[string][]json.RawMessage)
		}
		c.rec.Data[key] = append(c.rec.Data[key], b)
	}
}
