//go:build !linux

package netstat

import "context"

func openSockDiag() (int, error) { return -1, errNetlinkUnsupported }

// canReadDescriptors leaves the check to gopsutil off Linux.
func canReadDescriptors(int32) error { return nil }

func takeNetlink(context.Context, Selector, Options, func() (int, error)) (Snapshot, error) {
	return Snapshot{}, errNetlinkUnsupported
}
