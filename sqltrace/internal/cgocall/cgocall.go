//go:build cgo && sqltrace_cgo

// Package cgocall runs Go code in a callback from C, for sqltrace's test of
// its stack walk from a cgo callback (go test -tags sqltrace_cgo): sqltrace
// itself uses no cgo.
package cgocall

// extern void sqltraceCallBack(void);
import "C"

var callback func()

//export sqltraceGoCallback
func sqltraceGoCallback() { callback() }

// Call runs p in a callback from C. It is not safe for concurrent use.
func Call(p func()) {
	callback = p
	C.sqltraceCallBack()
}
