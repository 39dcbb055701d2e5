//go:build unix

package netstat_test

import (
	"syscall"
	"testing"
	"time"
)

// selfCPU is the CPU time this process has used, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start: on a shared machine
// it moves less with the other work than the wall time does.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((selfCPU()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
