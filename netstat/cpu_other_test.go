//go:build !unix

package netstat_test

import (
	"testing"
	"time"
)

func selfCPU() time.Duration                      { return 0 }
func reportCPU(b *testing.B, start time.Duration) {}
