//go:build linux

package netstat

import (
	"context"

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
		own  map[uint32]bool
		keep func(uint32) bool
	)
	if sel.Pid != 0 {
		if own, err = inodesOf(sel.Pid); err != nil {
			return Snapshot{}, err
		}
		keep = func(inode uint32) bool { return own[inode] || inode == 0 && sel.byPort() }
		if !sel.byPort() {
			mask &^= unowned // the process holds none of them
		}
	}
	d, err := dump(ctx, fd, mask, bc, keep)
	if err != nil {
		return Snapshot{}, err
	}
	all := owned(d, sel, own, o.SkipOwners)
	listening, err := sideListeners(ctx, fd, sel, mask, bc, all, own)
	if err != nil {
		return Snapshot{}, err
	}
	return finish(all, listening, sel, EngineNetlink), nil
}

// owned gives the sockets their owners, in place. With a pid selected,
// the dump kept only that process's sockets and, for a selection by port,
// those no process holds (TIME_WAIT), as the gopsutil engine does: the
// process's get its pid. Without a pid, every socket held by a process
// gets that process's pid, unless skip.
func owned(d *dumped, sel Selector, own map[uint32]bool, skip bool) []Socket {
	if sel.Pid != 0 {
		for i, inode := range d.inodes {
			if own[inode] {
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
// engine sees them. When the dump left listeners out (a state or port
// filter), a second dump asks for the listeners alone.
func sideListeners(ctx context.Context, fd int, sel Selector, mask uint32, bc []byte, all []Socket, own map[uint32]bool) (map[uint16]bool, error) {
	if sel.LocalPort != 0 || sel.Port != 0 {
		return nil, nil // every selected socket has the server port at one end
	}
	if mask&listenBit != 0 && bc == nil {
		return listeningPorts(all), nil
	}
	var keep func(uint32) bool
	if own != nil {
		keep = func(inode uint32) bool { return own[inode] }
	}
	d, err := dump(ctx, fd, listenBit, nil, keep)
	if err != nil {
		return nil, err
	}
	listening := map[uint16]bool{}
	for _, k := range d.sockets {
		listening[k.Local.Port()] = true
	}
	return listening, nil
}
