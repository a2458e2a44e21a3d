//go:build (amd64 || arm64) && gc && !purego

package sqltrace

import "unsafe"

// framePointer returns its caller's frame pointer (amd64's BP, arm64's
// R29, which it leaves as they are: it has no frame of its own). Go keeps
// frame pointers on both.
func framePointer() unsafe.Pointer
