//go:build !linux

package server

import "errors"

func setReusePort(uintptr) error {
	return errors.New("SO_REUSEPORT sharing of a port is only supported on Linux here; run one server per port")
}
