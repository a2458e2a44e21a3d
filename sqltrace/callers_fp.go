package sqltrace

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Walking the stack by frame pointers.
//
// runtime.Callers walks a goroutine's stack with the unwinder, which
// decodes every function's stack-size tables: about 100 ns a frame, the
// most of what recording a query costs. On amd64 and arm64 Go keeps a
// frame-pointer chain: a frame's frame pointer addresses the word holding
// its caller's frame pointer, and the word above it holds the return
// address into its caller (amd64 pushes BP below the return address; arm64
// stores the FP/LR pair at the bottom of the frame, with R29 pointing at
// the saved FP, so LR is one word above it too). Following that chain costs
// a few ns a frame; the runtime does it in production for the execution
// tracer and the block and mutex profiles (fpTracebackPCs in
// runtime/tracestack.go), except while cgo frames are on the stack.
//
// The walk gives physical return addresses, one per frame: inlined calls
// not expanded, wrapper functions not elided, unlike runtime.Callers (the
// tracer expands them later, in fpunwindExpand). So its PCs are never
// handed out: they are the key under which callers interns what
// runtime.Callers gives for that stack (intern.go), learnt once per
// distinct stack after checking that the walk saw every frame
// runtime.Callers sees (sameFrames).

// Bounds on the frame-pointer walk.
const (
	fpFrames   = 128     // frames read at most; a deeper stack is walked by runtime.Callers
	fpMaxFrame = 1 << 20 // bytes from one frame pointer to the next at most
	ptrSize    = unsafe.Sizeof(uintptr(0))
)

// walkEnd says how a frame-pointer walk ended.
type walkEnd uint8

const (
	// walkRefused: no frame pointers on this platform, a stack deeper than
	// fpFrames, or a chain that looks wrong. Use runtime.Callers.
	walkRefused walkEnd = iota
	// walkDone: the walk reached the goroutine's first frame.
	walkDone
	// walkUnknown: the walk met a return address into a function not yet
	// classified (see classify), and did not read that function's frame.
	walkUnknown
)

// fpWalk fills buf with the return addresses of the calling goroutine's
// stack, from the one into its caller's caller upward (where
// runtime.Callers(2, ...) would start for its caller), and reports how
// the walk ended; for walkUnknown, stop is the return address it stopped
// at (the last one in buf). For walkDone, sum is the FNV-1a sum of the
// addresses that hashStack starts from.
//
// It reads a frame only when the function owning it is known to keep the
// chain (trustedPCs: Go code outside the runtime's stack switching, signal
// and cgo machinery, which is where the tracer, too, stops trusting frame
// pointers), so every frame it reads is one of this goroutine's. Besides,
// each next frame pointer must lie above the current one, within
// fpMaxFrame, and be word-aligned; the walk ends at a saved frame pointer
// of 0 (the goroutine's first frame) and after len(buf) frames. A fault
// despite all that is recovered (debug.SetPanicOnFault) and refuses the
// walk.
//
// fp is an unsafe.Pointer into this goroutine's stack, so that if a call
// in the loop (sync/atomic's, in race builds) moves the stack, fp moves
// with it; the saved frame pointers it reads are moved by the runtime too.
//
//go:noinline
//go:norace
//go:nocheckptr
func fpWalk(buf []uintptr) (n int, end walkEnd, stop uintptr, sum uint64) {
	fp := framePointer() // fpWalk's frame
	if fp == nil {
		return 0, walkRefused, 0, 0
	}
	defer func() {
		if recover() != nil {
			n, end, stop, sum = 0, walkRefused, 0, 0
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))

	// fpWalk's frame and its caller's are this package's: step over
	// fpWalk's to its caller's, whose return address comes first.
	if fp = nextFrame(fp); fp == nil {
		return 0, walkRefused, 0, 0
	}
	sum = fnvOffset
	for i := range buf {
		next, pc := *(*uintptr)(fp), *(*uintptr)(unsafe.Add(fp, ptrSize))
		buf[i] = pc
		sum = fnvWord(sum, pc)
		if next == 0 {
			return i + 1, walkDone, 0, sum
		}
		// The next frame belongs to the function pc returns into. Its
		// PC's first slot is tried inline: nearly every PC is found there.
		if trustedPCs.slots[pcSlot(pc)].Load() != pc && !trustedPCs.has(pc) {
			return i + 1, walkUnknown, pc, 0
		}
		d, ok := frameStep(fp, next)
		if !ok {
			break
		}
		fp = unsafe.Add(fp, d)
	}
	return 0, walkRefused, 0, 0
}

// nextFrame returns the frame pointer saved in the frame at fp, or nil if
// frameStep refuses it. The result is computed from fp (not converted from
// the word read), so it is a pointer into the stack fp points into.
//
//go:norace
//go:nocheckptr
func nextFrame(fp unsafe.Pointer) unsafe.Pointer {
	d, ok := frameStep(fp, *(*uintptr)(fp))
	if !ok {
		return nil
	}
	return unsafe.Add(fp, d)
}

// frameStep returns how far above fp the frame pointer next, saved in the
// frame at fp, lies, and whether the walk may follow it: above fp, within
// fpMaxFrame, word-aligned (fp is, so the distance must be; d-1 wraps for
// a pointer at or below fp).
func frameStep(fp unsafe.Pointer, next uintptr) (d uintptr, ok bool) {
	d = next - uintptr(fp)
	return d, d-1 < fpMaxFrame && d%ptrSize == 0
}

// trustedPCs holds return addresses into functions whose frames keep the
// chain; deniedPCs those into functions that may not. Both are filled as
// return addresses are first met and never emptied: the call sites on
// the stacks that run queries are few and fixed. A return address that
// finds no room is left to runtime.Callers.
var trustedPCs, deniedPCs pcSet

// classify decides, once per return address, whether the walk may read the
// frame of the function pc returns into, and records the decision. Go
// functions keep the chain: the compiler and the assembler save the
// caller's frame pointer in every frame that calls (but in assembly marked
// NOFRAME, whose caller the walk then misses, which sameFrames catches).
// Denied are C code (pc is in no Go function), the runtime's functions
// that switch stacks, run signal handlers or enter Go from C (cgocallback
// and the like), and any other runtime function but the few that call Go
// code on the same stack: deferred calls, panics, Goexit, main, init,
// finalizers and cleanups, and reflect.Value.Call's reflectcall (whose
// compiled ABI wrapper calls runtime.call16 and up).
func classify(pc uintptr) bool {
	if deniedPCs.has(pc) {
		return false
	}
	if fn := runtime.FuncForPC(pc - 1); fn != nil && keepsChain(fn.Name()) && trustedPCs.add(pc) {
		return true
	}
	deniedPCs.add(pc) // or, with no room left among the trusted, not looked up again
	return false
}

// keepsChain reports whether the frames of the function named name may be
// read by the walk (see classify).
func keepsChain(name string) bool {
	if !strings.Contains(name, ".") || strings.HasPrefix(name, "runtime/cgo.") {
		return false // a C symbol (crosscall2, _cgo_*), or cgo's glue
	}
	fn, ok := strings.CutPrefix(name, "runtime.")
	if !ok {
		return true
	}
	switch fn {
	case "main", "goexit", "gopanic", "Goexit", "deferreturn", "doInit", "doInit1",
		"runFinalizers", "runCleanups", "reflectcall":
		return true
	}
	// reflectcall's frames: runtime.call16 ... runtime.call1073741824.
	n, ok := strings.CutPrefix(fn, "call")
	return ok && isDigits(n)
}

// pcSet is a set of return addresses that can be read without a call (no
// stack growth, no lock) while the walk holds a frame pointer: fixed-size
// open addressing, insert only, 0 for an empty slot.
type pcSet struct {
	slots [pcSlots]atomic.Uintptr
}

const (
	pcBits   = 14
	pcSlots  = 1 << pcBits // 128 KiB a set
	pcProbes = 16          // slots tried before a PC is given up on
)

// pcSlot is where a PC's probe starts (Fibonacci hashing).
func pcSlot(pc uintptr) uintptr { return uintptr(uint64(pc) * 0x9e3779b97f4a7c15 >> (64 - pcBits)) }

//go:norace
func (s *pcSet) has(pc uintptr) bool {
	i := pcSlot(pc)
	for range pcProbes {
		switch s.slots[i].Load() {
		case pc:
			return true
		case 0:
			return false
		}
		i = (i + 1) % pcSlots
	}
	return false
}

// add adds pc and reports whether the set holds it.
func (s *pcSet) add(pc uintptr) bool {
	i := pcSlot(pc)
	for range pcProbes {
		if s.slots[i].CompareAndSwap(0, pc) || s.slots[i].Load() == pc {
			return true
		}
		i = (i + 1) % pcSlots
	}
	return false
}

// sameFrames reports whether the physical return addresses of a
// frame-pointer walk describe the very frames of logical, runtime.Callers'
// PCs for the same stack from the same frame: the same functions, files,
// lines and PCs, in order, to the end. runtime.CallersFrames expands the
// walk's inlined calls as runtime.Callers does; a wrapper that
// runtime.Callers elides may stand in the walk only (see wrapperFrame). A
// frame the walk skipped (the caller of an assembly function that keeps no
// frame pointer yet calls) or a chain that went astray shows as a
// difference.
func sameFrames(phys, logical []uintptr) bool {
	pf, lf := runtime.CallersFrames(phys), runtime.CallersFrames(logical)
	var prev runtime.Frame
	p, pmore := pf.Next()
	for {
		l, lmore := lf.Next()
		for !sameFrame(p, l) {
			if !pmore || !wrapperFrame(p, prev) {
				return false
			}
			prev = p
			p, pmore = pf.Next()
		}
		if !lmore || !pmore {
			return lmore == pmore
		}
		prev = p
		p, pmore = pf.Next()
	}
}

// wrapperFrame reports whether a frame, after prev, may be of a function
// runtime.Callers leaves out of stacks (the runtime's FuncIDWrapper, which
// the frame-pointer walk cannot see): the wrappers the compiler generates
// for methods called through interfaces or embeddings, for method values
// and between ABIs (<autogenerated>), for generic instantiations (named
// as the shaped function they call, prev), and to run a go or defer
// statement's call (f.gowrap1, f.deferwrap1); the assembly marked WRAPPER
// that calls Go code (reflectcall's runtime.call16 and up,
// reflect.makeFuncStub, reflect.methodValueCall) and the functions they
// call that the compiler marks as wrappers (reflect.callReflect,
// reflect.callMethod); and runtime.deferreturn.
func wrapperFrame(fr, prev runtime.Frame) bool {
	switch fr.Function {
	case "runtime.deferreturn",
		"reflect.makeFuncStub", "reflect.methodValueCall", "reflect.callReflect", "reflect.callMethod":
		return true
	case prev.Function:
		return fr.Entry != prev.Entry // another function of the same name
	}
	if fr.File == "<autogenerated>" {
		return true
	}
	if n, ok := strings.CutPrefix(fr.Function, "runtime.call"); ok {
		return isDigits(n)
	}
	name := fr.Function[strings.LastIndexByte(fr.Function, '.')+1:]
	n, ok := strings.CutPrefix(name, "gowrap")
	if !ok {
		n, ok = strings.CutPrefix(name, "deferwrap")
	}
	return ok && isDigits(n)
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func sameFrame(a, b runtime.Frame) bool {
	return a.PC == b.PC && a.Entry == b.Entry && a.Function == b.Function && a.File == b.File && a.Line == b.Line
}
