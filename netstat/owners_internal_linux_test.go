//go:build linux

package netstat

import (
	"testing"

	"github.com/leaklab/leaklab/internal/loopback"
)

// BenchmarkOwnDescriptors measures the scan of this process's descriptors
// while it holds 5,000 loopback sockets (both ends of 2,500 connections),
// with statx, as the census of its own process reads them, and from their
// links, as for any other process (and for this one when statx is
// refused).
func BenchmarkOwnDescriptors(b *testing.B) {
	p, err := loopback.Open(2500)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	scan := func(b *testing.B) {
		for b.Loop() {
			own, err := inodesOf(procSelf())
			if err != nil {
				b.Fatal(err)
			}
			if len(own) < 5000 {
				b.Fatalf("the scan found %d socket inodes, want at least 5000", len(own))
			}
		}
	}
	b.Run("statx", func(b *testing.B) {
		if noStatx.Load() {
			b.Skip("statx refused here")
		}
		scan(b)
		if noStatx.Load() {
			b.Fatal("statx was refused during the scan: it read the links")
		}
	})
	b.Run("links", func(b *testing.B) {
		defer noStatx.Store(noStatx.Load())
		noStatx.Store(true)
		scan(b)
	})
}
