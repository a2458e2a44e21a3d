//go:build !nodebugtoolbar

package budget

// enabled is false in a test binary built with -tags nodebugtoolbar,
// whose toolbar records nothing.
const enabled = true
