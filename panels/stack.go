package panels

import (
	"runtime"
	"sync"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
)

// Frame is one line of a call stack.
type Frame struct {
	Function string `json:"function"` // with its package path: "example.com/app/store.(*Posts).List"
	File     string `json:"file"`
	Line     int    `json:"line"`
}

// Stack is a call stack, from the line of app code that made an operation
// outward. A record keeps each distinct stack once (Record.Stacks), and
// its operations refer to it by index. A stack captured by sqltrace is
// symbolised the first time it is shown; it is safe for concurrent use.
type Stack struct {
	once    sync.Once
	callers sqltrace.Callers
	frames  []Frame
	app     bitset // which frames are the app's own code (isAppFrame), decided with the frames
}

// NewStack returns a stack of frames already resolved, innermost first.
func NewStack(frames []Frame) *Stack {
	s := &Stack{frames: frames}
	s.once.Do(s.markApp)
	return s
}

// StackOf returns the stack sqltrace captured, resolved when first shown.
// The call paths of a program are few, and sqltrace gives each the same
// Callers, so a stack is shared by every record that met it and resolved
// once (up to maxSharedStacks of them).
func StackOf(c sqltrace.Callers) *Stack {
	sharedStacks.RLock()
	s, ok := sharedStacks.m[c]
	sharedStacks.RUnlock()
	if ok {
		return s
	}
	s = &Stack{callers: c}
	sharedStacks.Lock()
	defer sharedStacks.Unlock()
	if old, ok := sharedStacks.m[c]; ok {
		return old
	}
	if sharedStacks.m == nil {
		sharedStacks.m = make(map[sqltrace.Callers]*Stack)
	}
	if len(sharedStacks.m) < maxSharedStacks {
		sharedStacks.m[c] = s
	}
	return s
}

// maxSharedStacks bounds the stacks StackOf shares: past it, a new stack
// is resolved for each record that holds it.
const maxSharedStacks = 4096

var sharedStacks struct {
	sync.RWMutex
	m map[sqltrace.Callers]*Stack
}

// Frames returns the stack's frames, the caller first.
func (s *Stack) Frames() []Frame {
	if s == nil {
		return nil
	}
	s.once.Do(func() {
		fs := s.callers.Frames()
		s.frames = make([]Frame, len(fs))
		for i, f := range fs {
			s.frames[i] = frameOf(f)
		}
		s.markApp()
	})
	return s.frames
}

func (s *Stack) markApp() {
	for i, f := range s.frames {
		if isAppFrame(f) {
			s.app.add(int32(i), len(s.frames))
		}
	}
}

// isApp reports whether frame i is the app's own code: isAppFrame,
// decided once for a stack that many records share.
func (s *Stack) isApp(i int) bool {
	s.Frames()
	return s.app.has(int32(i))
}

// Caller returns the stack's first frame, the zero Frame for none.
func (s *Stack) Caller() Frame {
	if fs := s.Frames(); len(fs) > 0 {
		return fs[0]
	}
	return Frame{}
}

func frameOf(f runtime.Frame) Frame { return Frame{Function: f.Function, File: f.File, Line: f.Line} }
