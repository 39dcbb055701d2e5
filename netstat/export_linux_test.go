//go:build linux

package netstat

import (
	"context"

	"golang.org/x/sys/unix"
)

// SetCgroupFilter turns the cgroup filter of a census by pid on or off,
// for a benchmark to show a process that shares its cgroup; the returned
// func restores it.
func SetCgroupFilter(on bool) (restore func()) {
	was := noCgroupFilter.Swap(!on)
	return func() { noCgroupFilter.Store(was) }
}

// KernelDump asks the kernel for the sockets of sel's states and ports, as
// the netlink engine does, and only counts the answers: the part of a
// census the kernel spends, which the engine cannot go below.
func KernelDump(sel Selector) (int, error) {
	fd, err := openSockDiag()
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	d := &dumped{}
	err = exchange(context.Background(), fd, legacyRequest(stateMask(sel.States), portFilter(sel)), make([]byte, recvBufferBytes), d)
	return d.count(), err
}

// CgroupFilterServed reports whether a census of process pid alone is
// served by the cgroup filter (no TCP socket of the process outside its
// cgroup).
func CgroupFilterServed(pid int32) (bool, error) {
	fd, err := openSockDiag()
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	d, _, err := dumpCgroup(context.Background(), fd, Selector{Pid: pid})
	return d != nil, err
}

// CgroupFilterRefused reports whether the kernel has refused the cgroup
// filter.
func CgroupFilterRefused() bool { return noCgroupFilter.Load() }

// BreakCgroupFilter makes the cgroup filter an op no kernel knows, as a
// kernel before 5.9 would see it; the returned func mends it and clears
// the refusal.
func BreakCgroupFilter() (mend func()) {
	bcCgroupOp = 99
	return func() {
		bcCgroupOp = bcCgroupCond
		noCgroupFilter.Store(false)
	}
}
