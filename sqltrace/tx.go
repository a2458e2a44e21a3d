package sqltrace

import (
	"database/sql/driver"
	"time"
)

// tx wraps a driver transaction. It lives inside its connection (one open
// transaction per connection) so beginning one allocates nothing.
type tx struct {
	c   *conn
	raw driver.Tx
	id  uint64
	rec Recorder // from the context the transaction began with
}

func (t *tx) Commit() error   { return t.end(KindCommit, t.raw.Commit) }
func (t *tx) Rollback() error { return t.end(KindRollback, t.raw.Rollback) }

func (t *tx) end(k Kind, do func() error) error {
	r, id := t.rec, t.id
	t.c.inTx = false
	t.rec = nil
	if r == nil {
		return do()
	}
	start := time.Now()
	err := do()
	r.Record(t.c.event(k, "", start, id, err))
	return err
}
