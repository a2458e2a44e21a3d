package sqltrace

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Interned call stacks.
//
// The call paths that run queries in a program are few and fixed, so
// callers keeps one result per distinct stack and hands the same slice to
// every event recorded from it: recording allocates nothing for its stack,
// and the history's events share their PCs. A stack is known by the return
// addresses of a frame-pointer walk (callers_fp.go), which cost a few ns a
// frame to read; its result is what runtime.Callers gave when the stack
// was first met.

// Bounds on a table, after which results are copied again.
const (
	maxStacks   = 1 << 16 // distinct stacks
	maxStackPCs = 1 << 20 // PCs held by their keys and results (8 MiB)
)

// stackEntry is one interned stack.
type stackEntry struct {
	hash  uint64
	depth int
	key   []uintptr // the frame-pointer walk's return addresses
	pcs   []uintptr // callers' result for it, shared: cap(pcs) == len(pcs)
	// slow: the walk did not match runtime.Callers for this stack (see
	// sameFrames), so its callers walk with runtime.Callers.
	slow bool
}

// stackTable maps stacks to their entries: open addressing over a slice of
// slots that lookups read without a lock, and that adds replace (twice as
// large) before it is half full.
type stackTable struct {
	slots atomic.Pointer[[]atomic.Pointer[stackEntry]]
	full  atomic.Bool // at maxStacks or maxStackPCs

	mu  sync.Mutex // held by add
	n   int        // entries
	pcs int        // PCs held
}

// hashStack hashes a walk's return addresses and the depth asked for:
// FNV-1a over the words (which fpWalk sums as it reads them), then the
// depth and a finalizer, since the table indexes by the low bits.
func hashStack(key []uintptr, depth int) uint64 {
	sum := uint64(fnvOffset)
	for _, pc := range key {
		sum = fnvWord(sum, pc)
	}
	return stackHash(sum, depth)
}

const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

func fnvWord(sum uint64, pc uintptr) uint64 { return (sum ^ uint64(pc)) * fnvPrime }

// stackHash is hashStack from the walk's sum.
func stackHash(sum uint64, depth int) uint64 {
	h := (sum ^ uint64(depth)) * fnvPrime
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// lookup returns the entry for key and depth, or nil.
func (t *stackTable) lookup(h uint64, key []uintptr, depth int) *stackEntry {
	sp := t.slots.Load()
	if sp == nil {
		return nil
	}
	return find(*sp, h, key, depth)
}

func find(slots []atomic.Pointer[stackEntry], h uint64, key []uintptr, depth int) *stackEntry {
	mask := uint64(len(slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := slots[i].Load()
		if e == nil {
			return nil // never all slots are taken
		}
		if e.hash == h && e.depth == depth && sameWords(e.key, key) {
			return e
		}
	}
}

// sameWords is slices.Equal(a, b), comparing the words' bytes with the
// runtime's vector loop rather than one word at a time.
func sameWords(a, b []uintptr) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	n := len(a) * int(ptrSize)
	return unsafe.String((*byte)(unsafe.Pointer(&a[0])), n) == unsafe.String((*byte)(unsafe.Pointer(&b[0])), n)
}

// add interns e (its key and pcs are the table's from now on) and returns
// the entry now held for its stack: e, or one another goroutine added
// first. It returns nil when the table is full.
func (t *stackTable) add(e *stackEntry) *stackEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	var slots []atomic.Pointer[stackEntry]
	if sp := t.slots.Load(); sp != nil {
		slots = *sp
		if old := find(slots, e.hash, e.key, e.depth); old != nil {
			return old
		}
	}
	size := len(e.key) + len(e.pcs)
	if t.n+1 > maxStacks || t.pcs+size > maxStackPCs {
		t.full.Store(true)
		return nil
	}
	if 2*(t.n+1) > len(slots) {
		grown := make([]atomic.Pointer[stackEntry], max(64, 2*len(slots)))
		for i := range slots {
			if old := slots[i].Load(); old != nil {
				place(grown, old)
			}
		}
		slots = grown
		t.slots.Store(&slots)
	}
	place(slots, e)
	t.n++
	t.pcs += size
	return e
}

// place puts e in the first free slot of its probe sequence.
func place(slots []atomic.Pointer[stackEntry], e *stackEntry) {
	mask := uint64(len(slots) - 1)
	i := e.hash & mask
	for slots[i].Load() != nil {
		i = (i + 1) & mask
	}
	slots[i].Store(e)
}
