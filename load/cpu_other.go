//go:build !unix

package load

import "time"

// processCPU is not measured off unix: Report.CPU stays 0.
func processCPU() time.Duration { return 0 }
