//go:build unix

package loadtest_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, user and system:
// a cost per request that holds on a machine shared with other work,
// where requests per second do not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
