//go:build !linux && !darwin && !freebsd

package oslimits

// PortsSource names where EphemeralPorts reads the range, for messages.
const PortsSource = "the OS's ephemeral port range"

// EphemeralPorts reads the ephemeral port range: not here.
func EphemeralPorts() (Ports, error) {
	return Ports{}, notSupported("reading the ephemeral port range")
}
