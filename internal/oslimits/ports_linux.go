package oslimits

import (
	"fmt"
	"os"
	"strings"
)

// PortsSource names where EphemeralPorts reads the range, for messages.
const PortsSource = "sysctl net.ipv4.ip_local_port_range"

// EphemeralPorts reads the ephemeral port range of this network
// namespace.
func EphemeralPorts() (Ports, error) {
	const path = "/proc/sys/net/ipv4/ip_local_port_range"
	b, err := os.ReadFile(path)
	if err != nil {
		return Ports{}, fmt.Errorf("read the ephemeral port range: %w", err)
	}
	var p Ports
	if _, err := fmt.Sscan(string(b), &p.Low, &p.High); err != nil || p.High < p.Low {
		return Ports{}, fmt.Errorf("read the ephemeral port range: cannot parse %q in %s", strings.TrimSpace(string(b)), path)
	}
	return p, nil
}
