//go:build unix

package load

import (
	"syscall"
	"time"
)

// processCPU is the process's user+system CPU time so far (0 if the kernel
// will not say). CPU time excludes time the host took the cores away
// (steal), which is why a capacity per CPU-second is steadier than one per
// wall-clock second on a shared machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
