//go:build !linux

package cgrouptest

import (
	"errors"
	"runtime"
	"testing"
)

var errUnsupported = errors.New("cgroups are not supported on " + runtime.GOOS)

// New reports that there are no cgroups on this OS.
func New(tb testing.TB) (string, error) { return "", errUnsupported }

// Join reports that there are no cgroups on this OS.
func Join(dir string) error { return errUnsupported }
