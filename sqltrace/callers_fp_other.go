//go:build !((amd64 || arm64) && gc) || purego

package sqltrace

import "unsafe"

// framePointer returns nil: this platform keeps no frame pointers (or the
// build asked for no assembly), so every stack is walked by
// runtime.Callers.
func framePointer() unsafe.Pointer { return nil }
