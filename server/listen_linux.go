package server

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// setReusePort lets other sockets, of this process or others, listen on
// the same address and port; the kernel spreads new connections over
// them by a hash of the 4-tuple.
func setReusePort(fd uintptr) error {
	if err := unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
		return fmt.Errorf("set SO_REUSEPORT: %w", err)
	}
	return nil
}
