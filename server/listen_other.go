//go:build !linux

package server

import (
	"fmt"
	"runtime"
)

// setReusePort fails outside Linux, where SO_REUSEPORT does not spread
// connections over the sockets that share a port.
func setReusePort(uintptr) error {
	return fmt.Errorf("SO_REUSEPORT sharing of a port (ReusePort) is not supported on %s, only on Linux; run one server per port", runtime.GOOS)
}
