//go:build gc && !purego

package respwriter

// masks64 returns a bit for each of the 64 bytes at p: in lt where the
// byte is '<', in stop where it is '>' or a quote (bit i is p[i]). It is
// masks64Go, sixteen bytes per instruction.
//
//go:noescape
func masks64(p *byte) (lt, stop uint64)

// haveMasks: skimMasks is faster than skimBytes where masks64 is not
// masks64Go.
const haveMasks = true
