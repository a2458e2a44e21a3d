package toolbar

import (
	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// builder turns what the toolbar is told (sqltrace's events, cache calls,
// spans) into a record's compact form: each distinct call stack kept once,
// transactions and connections numbered in the order the request met
// them. Its caller serialises the calls.
type builder struct {
	rec    *panels.Record
	stacks map[sqltrace.Callers]int32
	txs    map[uint64]int32
	conns  map[uint64]int32
}

func newBuilder(rec *panels.Record) builder {
	return builder{rec: rec, stacks: map[sqltrace.Callers]int32{}, txs: map[uint64]int32{}, conns: map[uint64]int32{}}
}

// query is the record's form of e.
func (b *builder) query(e *sqltrace.Event) panels.Query {
	q := panels.NewQuery(e, b.rec.Start)
	q.Tx, q.Conn = number(b.txs, e.TxID), number(b.conns, e.ConnID)
	q.Stack = b.stack(e.Callers())
	return q
}

// stack returns the index of c in the record's stacks, adding it when it is
// new; -1 for no stack.
func (b *builder) stack(c sqltrace.Callers) int32 {
	if c == (sqltrace.Callers{}) {
		return -1
	}
	i, ok := b.stacks[c]
	if !ok {
		i = int32(len(b.rec.Stacks))
		b.rec.Stacks = append(b.rec.Stacks, panels.StackOf(c))
		b.stacks[c] = i
	}
	return i
}

// number returns id's number among those met, from 1; 0 for id 0.
func number(m map[uint64]int32, id uint64) int32 {
	if id == 0 {
		return 0
	}
	n, ok := m[id]
	if !ok {
		n = int32(len(m) + 1)
		m[id] = n
	}
	return n
}
