//go:build linux

package netstat

import (
	"context"
	"errors"

	"golang.org/x/sys/unix"
)

const (
	// listenBit is LISTEN in a state mask.
	listenBit = 1 << 10
	// unowned are the states of sockets no process holds a descriptor of:
	// TIME_WAIT and the requests of SYN_RECV.
	unowned = 1<<6 | 1<<3
)

// takeNetlink is EngineNetlink: an inet_diag dump of both families, the
// kernel keeping only the asked states and ports, then the owners: the
// selected process's descriptors alone for a selection by pid.
func takeNetlink(ctx context.Context, sel Selector, o Options, dial func() (int, error)) (Snapshot, error) {
	fd, err := dial()
	if err != nil {
		return Snapshot{}, err
	}
	defer unix.Close(fd)
	mask, bc := stateMask(sel.States), portFilter(sel)
	var (
		d     *dumped
		whole bool // d holds every listener the selection has
		own   socketFDs
	)
	if sel.Pid != 0 {
		if !sel.byPort() {
			mask &^= unowned // the process holds none of them
		}
		if d, own, err = dumpCgroup(ctx, fd, sel); err != nil {
			return Snapshot{}, err
		}
		whole = d != nil
		if own == nil {
			if own, err = inodesOf(sel.Pid); err != nil {
				return Snapshot{}, err
			}
		}
	}
	if d == nil {
		var keep func(uint32) bool
		if sel.Pid != 0 {
			keep = func(inode uint32) bool { return own.has(inode) || inode == 0 && sel.byPort() }
		}
		if d, err = dump(ctx, fd, mask, bc, keep); err != nil {
			return Snapshot{}, err
		}
		d.decode(nil)
		whole = mask&listenBit != 0 && bc == nil
	}
	all := owned(d, sel, own, o.SkipOwners)
	listening, err := sideListeners(ctx, fd, sel, whole, all, own)
	if err != nil {
		return Snapshot{}, err
	}
	return finish(all, listening, sel, EngineNetlink), nil
}

// dumpCgroup is the census of a selection by pid alone through the
// cgroup filter: the sockets of the process's cgroup in every state a
// process can hold (listeners included), read while the process's
// descriptors are read (the two are independent, and for a process with
// thousands of sockets the descriptors take longer than the dump), then kept
// when the process holds them. It returns the descriptors it read, and no
// dump when the filter cannot serve: a selection by port or state, a
// cgroup it cannot name, a kernel without the filter, or a TCP socket
// among the descriptors that the dump did not return (made in another
// cgroup; the process is then counted without the filter for a while).
func dumpCgroup(ctx context.Context, fd int, sel Selector) (*dumped, socketFDs, error) {
	if sel.byPort() || len(sel.States) > 0 || noCgroupFilter.Load() || missedRecently(sel.Pid) {
		return nil, nil, nil
	}
	id, ok := cgroupID(sel.Pid)
	if !ok {
		return nil, nil, nil
	}
	var (
		own     socketFDs
		scanned = make(chan error, 1)
	)
	go func() {
		var err error
		own, err = inodesOf(sel.Pid)
		scanned <- err
	}()
	d, err := dump(ctx, fd, 0xfff&^unowned, cgroupFilter(id), nil)
	if serr := <-scanned; serr != nil {
		return nil, nil, serr
	}
	switch {
	case errors.Is(err, unix.EINVAL) && ctx.Err() == nil:
		noCgroupFilter.Store(true)
		return nil, own, nil
	case err != nil:
		return nil, nil, err
	}
	d.decode(own.has)
	if missedTCP(d, own, sel.Pid) {
		rememberMiss(sel.Pid)
		return nil, own, nil
	}
	return d, own, nil
}

// owned gives the sockets their owners, in place. With a pid selected,
// the dump kept only that process's sockets and, for a selection by port,
// those no process holds (TIME_WAIT), as the gopsutil engine does: the
// process's get its pid. Without a pid, every socket held by a process
// gets that process's pid, unless skip.
func owned(d *dumped, sel Selector, own socketFDs, skip bool) []Socket {
	if sel.Pid != 0 {
		for i, inode := range d.inodes {
			if own.has(inode) {
				d.sockets[i].Pid = sel.Pid
			}
		}
		return d.sockets
	}
	if skip {
		return d.sockets
	}
	owners := make(map[uint32]int32, len(d.inodes))
	for _, inode := range d.inodes {
		if inode != 0 {
			owners[inode] = 0
		}
	}
	findOwners(owners)
	for i := range d.sockets {
		d.sockets[i].Pid = owners[d.inodes[i]]
	}
	return d.sockets
}

// sideListeners returns the listening ports that tell a server-side
// socket from a client-side one when the selection names no server port:
// those of the selected process, or of the namespace, as the gopsutil
// engine sees them. When the dump left listeners out (whole false: a
// state or port filter), a second dump asks for the listeners alone.
func sideListeners(ctx context.Context, fd int, sel Selector, whole bool, all []Socket, own socketFDs) (map[uint16]bool, error) {
	if sel.LocalPort != 0 || sel.Port != 0 {
		return nil, nil // every selected socket has the server port at one end
	}
	if whole {
		return listeningPorts(all), nil
	}
	var keep func(uint32) bool
	if own != nil {
		keep = own.has
	}
	d, err := dump(ctx, fd, listenBit, nil, keep)
	if err != nil {
		return nil, err
	}
	d.decode(nil)
	listening := map[uint16]bool{}
	for _, k := range d.sockets {
		listening[k.Local.Port()] = true
	}
	return listening, nil
}
