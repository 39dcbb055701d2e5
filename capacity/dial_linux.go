package capacity

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// bindNoPort asks the kernel to pick the source port at connect() time,
// knowing the whole 4-tuple, instead of at bind() time (Linux
// IP_BIND_ADDRESS_NO_PORT). Without it a socket bound to a source address
// takes a port no other socket of that address may use, and one source
// address holds at most one port range of connections in total instead of
// one per target. It is an optimisation: a kernel that refuses it still
// dials, with the bind() time choice.
func bindNoPort(_, _ string, rc syscall.RawConn) error {
	return rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	})
}
