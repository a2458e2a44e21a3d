package sqltrace

import "context"

// Recorder receives the events of the operations run with a context that
// carries it (see [WithRecorder]). Record may be called from several
// goroutines at once, including database/sql's own goroutine that closes
// rows when a context is cancelled, so implementations must be safe for
// concurrent use. Record should return quickly: it runs on the query path.
type Recorder interface {
	Record(Event)
}

// RecorderFunc adapts a function to the [Recorder] interface.
type RecorderFunc func(Event)

// Record calls f(e).
func (f RecorderFunc) Record(e Event) { f(e) }

type recorderKey struct{}

// WithRecorder returns a copy of ctx whose database operations are recorded
// into r. A nil r returns ctx unchanged.
func WithRecorder(ctx context.Context, r Recorder) context.Context {
	if r == nil {
		return ctx
	}
	return context.WithValue(ctx, recorderKey{}, r)
}

// RecorderFrom returns the recorder ctx carries, or nil.
func RecorderFrom(ctx context.Context) Recorder {
	if ctx == nil {
		return nil
	}
	r, _ := ctx.Value(recorderKey{}).(Recorder)
	return r
}
