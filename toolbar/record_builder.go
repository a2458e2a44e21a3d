package toolbar

import (
	"slices"

	"github.com/debugtoolbar/debugtoolbar/panels"
	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// builder turns what the toolbar is told (sqltrace's events, cache calls,
// spans) into a record's compact form: each distinct call stack kept once,
// transactions and connections numbered in the order the request met
// them. Its caller serialises the calls.
type builder struct {
	rec    *panels.Record
	stacks index[sqltrace.Callers] // of rec.Stacks
	txs    index[uint64]
	conns  index[uint64]
}

func newBuilder(rec *panels.Record) builder { return builder{rec: rec} }

// query is the record's form of e.
func (b *builder) query(e *sqltrace.Event) panels.Query {
	q := panels.NewQuery(e, b.rec.Start)
	q.Tx, q.Conn = b.txs.number(e.TxID), b.conns.number(e.ConnID)
	q.Stack = b.stack(e.Callers())
	return q
}

// stack returns the index of c in the record's stacks, adding it when it is
// new; -1 for no stack.
func (b *builder) stack(c sqltrace.Callers) int32 {
	if c == (sqltrace.Callers{}) {
		return -1
	}
	i, added := b.stacks.of(c)
	if added {
		b.rec.Stacks = append(b.rec.Stacks, panels.StackOf(c))
	}
	return i
}

// index numbers keys from 0 in the order they are met. A request meets
// few, so they are searched in a slice while they are few, in a map after.
type index[K comparable] struct {
	keys []K
	m    map[K]int32
}

// of returns k's index, and whether k was new.
func (x *index[K]) of(k K) (int32, bool) {
	if x.m != nil {
		if i, ok := x.m[k]; ok {
			return i, false
		}
	} else if i := slices.Index(x.keys, k); i >= 0 {
		return int32(i), false
	}
	i := int32(len(x.keys))
	x.keys = append(x.keys, k)
	switch {
	case x.m != nil:
		x.m[k] = i
	case len(x.keys) > 16:
		x.m = make(map[K]int32, 2*len(x.keys))
		for j, key := range x.keys {
			x.m[key] = int32(j)
		}
	}
	return i, true
}

// number returns id's number, from 1; 0 for id 0.
func (x *index[K]) number(id K) int32 {
	var zero K
	if id == zero {
		return 0
	}
	i, _ := x.of(id)
	return i + 1
}
