package sqltrace

import (
	"database/sql/driver"
	"time"
)

// tx wraps a driver transaction. It lives inside its connection (one open
// transaction per connection) so beginning one allocates nothing.
type tx struct {
	c     *conn
	raw   driver.Tx
	id    uint64
	rec   Recorder // where the begin was recorded
	noCtx bool     // rec came from the goroutine, not the begin's context
}

func (t *tx) Commit() error   { return t.end(KindCommit, t.raw.Commit) }
func (t *tx) Rollback() error { return t.end(KindRollback, t.raw.Rollback) }

func (t *tx) end(k Kind, do func() error) error {
	tg := target{rec: t.rec, txID: t.id, noCtx: t.noCtx}
	t.c.inTx = false
	t.rec = nil
	if tg.rec == nil {
		return do()
	}
	start := time.Now()
	err := do()
	tg.rec.Record(t.c.event(k, "", start, tg, err))
	return err
}
