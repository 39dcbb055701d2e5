package capacity_test

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// bindNoPortControl has the kernel pick the source port at connect()
// time, as the tester does (Linux IP_BIND_ADDRESS_NO_PORT).
func bindNoPortControl(_, _ string, rc syscall.RawConn) error {
	return rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	})
}
