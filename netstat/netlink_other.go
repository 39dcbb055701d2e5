//go:build !linux

package netstat

import "context"

func openSockDiag() (int, error) { return -1, errNetlinkUnsupported }

func takeNetlink(context.Context, Selector, Options, func() (int, error)) (Snapshot, error) {
	return Snapshot{}, errNetlinkUnsupported
}
