//go:build darwin || freebsd

package oslimits

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// PortsSource names where EphemeralPorts reads the range, for messages.
const PortsSource = "sysctl net.inet.ip.portrange.first and .last"

// EphemeralPorts reads the ephemeral port range.
func EphemeralPorts() (Ports, error) {
	first, err := unix.SysctlUint32("net.inet.ip.portrange.first")
	if err != nil {
		return Ports{}, fmt.Errorf("read the ephemeral port range (sysctl net.inet.ip.portrange.first): %w", err)
	}
	last, err := unix.SysctlUint32("net.inet.ip.portrange.last")
	if err != nil {
		return Ports{}, fmt.Errorf("read the ephemeral port range (sysctl net.inet.ip.portrange.last): %w", err)
	}
	if last < first {
		return Ports{}, fmt.Errorf("read the ephemeral port range: first %d is above last %d", first, last)
	}
	return Ports{Low: int(first), High: int(last)}, nil
}
