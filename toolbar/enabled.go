//go:build !nodebugtoolbar

package toolbar

// enabled is false in a binary built with -tags nodebugtoolbar: New then
// returns a toolbar whose Middleware returns its handler unchanged, and
// the compiler drops everything else the toolbar would run, so the linker
// leaves it out of the binary (see "Production builds" in the package
// documentation).
const enabled = true
