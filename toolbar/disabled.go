//go:build nodebugtoolbar

package toolbar

// enabled is false: this binary is built with -tags nodebugtoolbar (see
// enabled.go).
const enabled = false
