package respwriter

import (
	"encoding/binary"
	"math/bits"
)

// skimMasks is skimBytes read 64 bytes at a time: masks64 marks the block's
// '<' bytes and the bytes that may end a tag ('>' and quotes), so finding
// the next '<' and the end of a tag are a shift and a count of trailing
// zeros instead of a loop over the bytes between. Where masks64 is a
// processor's vector compare, that reads a page of many short tags in a
// third of the instructions.
func skimMasks(b []byte, i int, p *pairs) int {
	// The masks of the block at base, which i and j only leave forward:
	// none loaded yet.
	base := i - 64
	var lt, stop uint64
	for {
		for { // to the next '<'
			if i >= len(b) {
				return -1
			}
			if i-base >= 64 {
				base = i &^ 63
				lt, stop = loadMasks(b, base)
			}
			if w := lt >> (uint(i-base) & 63); w != 0 {
				i += bits.TrailingZeros64(w)
				break
			}
			i = base + 64
		}
		if i > len(b)-4 {
			return i // near the end: let the slow path check each byte
		}
		name := i + 1
		w := binary.LittleEndian.Uint32(b[i:]) // '<' and the three bytes after it
		switch c, c2 := byte(w>>8), byte(w>>16); after[c] {
		case afterText:
			i++
			continue
		case afterLetter:
			if p.start[c]>>(c2&63)&1 != 0 {
				return i
			}
		case afterSlash:
			if p.end[c2]>>(byte(w>>24)&63)&1 != 0 {
				return i
			}
			name++
		default:
			return i
		}
		j := name + 1
		for { // to the next '>' or quote
			if j >= len(b) {
				return eofInTag
			}
			if j-base >= 64 {
				base = j &^ 63
				lt, stop = loadMasks(b, base)
			}
			if w := stop >> (uint(j-base) & 63); w != 0 {
				j += bits.TrailingZeros64(w)
				break
			}
			j = base + 64
		}
		if b[j] == '>' {
			i = j + 1
			continue
		}
		// A quote in the name opens nothing; one after it may.
		if i, _ = tagEnd(b, nameEnd(b, name)); i < 0 {
			return eofInTag
		}
	}
}

// loadMasks returns masks64 of the block of b at base.
func loadMasks(b []byte, base int) (lt, stop uint64) {
	if base+64 <= len(b) {
		return masks64(&b[base])
	}
	var tail [64]byte // zeros match nothing
	copy(tail[:], b[base:])
	return masks64(&tail[0])
}

// masks64Go is what masks64 computes, a byte at a time.
func masks64Go(p *[64]byte) (lt, stop uint64) {
	for i, c := range p {
		if c == '<' {
			lt |= 1 << i
		}
		if tagStops[c] {
			stop |= 1 << i
		}
	}
	return lt, stop
}
