//go:build nodebugtoolbar

package budget

// enabled is false: the toolbar records nothing in this build (see
// enabled.go).
const enabled = false
