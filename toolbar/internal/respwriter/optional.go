package respwriter

import "net/http"

// ResponseWriter returns w as the handler is to see it: w itself, with
// http.CloseNotifier and http.Pusher exactly when the inner writer has them
// (asserted on the inner writer itself, as the handler would without the
// Writer). Give the handler this, not w.
//
// Unlike Flush and Hijack, which the Writer always has because they can
// fail with http.ErrNotSupported, these two cannot be claimed where the
// inner writer lacks them: CloseNotify has no way to fail, and old code
// (and code that pushes only when it can) takes another path when the
// assertion fails, so claiming either, or hiding either, would change what
// the app does. Both pass straight through: neither touches the body.
func (w *Writer) ResponseWriter() http.ResponseWriter {
	_, cn := w.rw.(http.CloseNotifier) //lint:ignore SA1019 forwarded for old apps that assert it
	_, pu := w.rw.(http.Pusher)
	switch {
	case cn && pu:
		return closeNotifyPusher{w}
	case cn:
		return closeNotifier{w}
	case pu:
		return pusher{w}
	}
	return w
}

// A struct of one pointer is stored in an interface as the pointer itself:
// ResponseWriter does not allocate.
type (
	closeNotifier     struct{ *Writer }
	pusher            struct{ *Writer }
	closeNotifyPusher struct{ *Writer }
)

func (w closeNotifier) CloseNotify() <-chan bool     { return w.closeNotify() }
func (w closeNotifyPusher) CloseNotify() <-chan bool { return w.closeNotify() }

func (w pusher) Push(target string, o *http.PushOptions) error { return w.push(target, o) }
func (w closeNotifyPusher) Push(target string, o *http.PushOptions) error {
	return w.push(target, o)
}

func (w *Writer) closeNotify() <-chan bool {
	return w.rw.(http.CloseNotifier).CloseNotify() //lint:ignore SA1019 forwarded for old apps that assert it
}

func (w *Writer) push(target string, o *http.PushOptions) error {
	return w.rw.(http.Pusher).Push(target, o)
}
