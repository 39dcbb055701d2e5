package netstat

import (
	"context"
	"net/netip"

	gnet "github.com/shirou/gopsutil/v3/net"
)

// takeGopsutil is EngineGopsutil. A selection by pid alone walks only that
// process's file descriptors to find its sockets (gopsutil's
// ConnectionsPidWithoutUids: the per-socket owner uids are never needed
// here and cost a read of /proc/PID/status each). Any other selection
// walks every process's descriptors, so that sockets without an owner,
// such as TIME_WAIT, are counted and the others get their pid. Either way
// the kernel's table for the whole network namespace is parsed as text.
func takeGopsutil(ctx context.Context, sel Selector) (Snapshot, error) {
	var (
		raw []gnet.ConnectionStat
		err error
	)
	if sel.Pid != 0 {
		if err := canReadDescriptors(sel.Pid); err != nil {
			return Snapshot{}, err
		}
	}
	if sel.Pid != 0 && !sel.byPort() {
		raw, err = gnet.ConnectionsPidWithoutUidsWithContext(ctx, "tcp", sel.Pid)
	} else {
		raw, err = gnet.ConnectionsWithoutUidsWithContext(ctx, "tcp")
	}
	if err != nil {
		return Snapshot{}, err
	}
	all := convert(raw)
	return finish(all, listeningPorts(all), sel, EngineGopsutil), nil
}

func convert(raw []gnet.ConnectionStat) []Socket {
	out := make([]Socket, 0, len(raw))
	for _, c := range raw {
		out = append(out, Socket{
			Local:  addrPort(c.Laddr),
			Remote: addrPort(c.Raddr),
			State:  c.Status,
			Pid:    c.Pid,
		})
	}
	return out
}

func addrPort(a gnet.Addr) netip.AddrPort {
	ip, err := netip.ParseAddr(a.IP)
	if err != nil {
		return netip.AddrPortFrom(netip.Addr{}, uint16(a.Port))
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(a.Port))
}
