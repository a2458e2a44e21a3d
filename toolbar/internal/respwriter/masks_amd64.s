//go:build gc && !purego

#include "textflag.h"

// func masks64(p *byte) (lt, stop uint64)
//
// SSE2, which every amd64 processor has: four 16-byte loads, a compare of
// each with '<', and with '>', '"' and '\'' (ORed), and the compares' high
// bits packed into one bit per byte.
TEXT ·masks64(SB), NOSPLIT|NOFRAME, $0-24
	MOVQ p+0(FP), SI

	MOVQ $0x3c3c3c3c3c3c3c3c, AX // '<'
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	MOVQ $0x3e3e3e3e3e3e3e3e, AX // '>'
	MOVQ AX, X9
	PUNPCKLQDQ X9, X9
	MOVQ $0x2222222222222222, AX // '"'
	MOVQ AX, X10
	PUNPCKLQDQ X10, X10
	MOVQ $0x2727272727272727, AX // '\''
	MOVQ AX, X11
	PUNPCKLQDQ X11, X11

#define BLOCK(off, lt, stop) \
	MOVOU off(SI), X0; \
	MOVOU X0, X1; \
	MOVOU X0, X2; \
	MOVOU X0, X3; \
	PCMPEQB X8, X0; \
	PCMPEQB X9, X1; \
	PCMPEQB X10, X2; \
	PCMPEQB X11, X3; \
	POR X2, X1; \
	POR X3, X1; \
	PMOVMSKB X0, lt; \
	PMOVMSKB X1, stop

	BLOCK(0, AX, BX)
	BLOCK(16, CX, DX)
	SHLQ $16, CX
	SHLQ $16, DX
	ORQ CX, AX
	ORQ DX, BX
	BLOCK(32, CX, DX)
	SHLQ $32, CX
	SHLQ $32, DX
	ORQ CX, AX
	ORQ DX, BX
	BLOCK(48, CX, DX)
	SHLQ $48, CX
	SHLQ $48, DX
	ORQ CX, AX
	ORQ DX, BX

	MOVQ AX, lt+8(FP)
	MOVQ BX, stop+16(FP)
	RET
