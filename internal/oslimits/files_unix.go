//go:build unix

package oslimits

import (
	"fmt"
	"math"
	"syscall"
)

// OpenFiles reads the open-files limit.
func OpenFiles() (Files, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return Files{}, fmt.Errorf("read the open-files limit (getrlimit RLIMIT_NOFILE): %w", err)
	}
	return Files{Soft: uint64(r.Cur), Hard: uint64(r.Max)}, nil // int64 on the BSDs
}

// RaiseOpenFiles raises the soft open-files limit to the hard limit and
// returns the limit now in force; on error, the limit as it was.
func RaiseOpenFiles() (Files, error) {
	l, err := OpenFiles()
	if err != nil || l.Soft >= l.Hard {
		return l, err
	}
	var r syscall.Rlimit
	setRlim(&r.Cur, l.Hard)
	setRlim(&r.Max, l.Hard)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return l, fmt.Errorf("raise the open-files limit from %d to %d: %w; raise it with ulimit -n before the run", l.Soft, l.Hard, err)
	}
	l.Soft = l.Hard
	return l, nil
}

// SetOpenFiles sets the open-files limit, for tests that run a process
// at a low limit; lowering the hard limit cannot be undone without root.
func SetOpenFiles(l Files) error {
	var r syscall.Rlimit
	setRlim(&r.Cur, l.Soft)
	setRlim(&r.Max, l.Hard)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return fmt.Errorf("set the open-files limit to %d (hard limit %d): %w", l.Soft, l.Hard, err)
	}
	return nil
}

// setRlim stores v in a field of syscall.Rlimit, uint64 on Linux and
// macOS but int64 on the BSDs, where a value past int64 is the largest.
func setRlim[T int64 | uint64](dst *T, v uint64) {
	*dst = T(v)
	if *dst < 0 {
		*dst = T(math.MaxInt64)
	}
}
