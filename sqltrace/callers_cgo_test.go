//go:build cgo && sqltrace_cgo

package sqltrace

import "github.com/debugtoolbar/debugtoolbar/sqltrace/internal/cgocall"

func init() {
	// Go called from C: the tracer, too, walks no frame pointers then.
	callPaths = append(callPaths, callPath{"a cgo callback", cgocall.Call, false})
}
