//go:build !amd64 || !gc || purego

package respwriter

import "unsafe"

func masks64(p *byte) (lt, stop uint64) { return masks64Go((*[64]byte)(unsafe.Pointer(p))) }

// haveMasks: skimMasks is faster than skimBytes where masks64 is not
// masks64Go.
const haveMasks = false
