package oslimits

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/shirou/gopsutil/v3/process"
)

// ErrNotSupported is wrapped by the errors of limits this OS does not
// have or this package cannot read on it.
var ErrNotSupported = errors.New("not supported")

// notSupported says what is not supported on this OS.
func notSupported(what string) error {
	return fmt.Errorf("%s: %w on %s", what, ErrNotSupported, runtime.GOOS)
}

// Files is the process's open-files limit (RLIMIT_NOFILE, ulimit -n).
// Every socket is one open file.
type Files struct {
	// Soft is the limit in force; opening one more file fails with EMFILE.
	Soft uint64
	// Hard is the ceiling an unprivileged process may raise Soft to.
	Hard uint64
}

// Ports is the ephemeral port range: the source ports connect() picks
// from when the caller binds none.
type Ports struct {
	Low, High int
}

// RSS is the resident memory of this process in bytes (what top shows),
// or 0 when it cannot be read (at the open-files limit, for instance).
func RSS() uint64 {
	p, err := process.NewProcess(int32(os.Getpid()))
	if err != nil {
		return 0
	}
	mi, err := p.MemoryInfo()
	if err != nil {
		return 0
	}
	return mi.RSS
}
