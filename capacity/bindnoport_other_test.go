//go:build !linux

package capacity_test

import "syscall"

// bindNoPortControl does nothing outside Linux, where the source port is
// picked at bind() time, as in the tester.
func bindNoPortControl(_, _ string, _ syscall.RawConn) error { return nil }
