//go:build !linux

package capacity

import "syscall"

// bindNoPort does nothing outside Linux: the source port is picked at
// bind() time there.
func bindNoPort(_, _ string, _ syscall.RawConn) error { return nil }
