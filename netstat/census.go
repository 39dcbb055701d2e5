package netstat

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"runtime"
	"time"

	gnet "github.com/shirou/gopsutil/v3/net"
	"github.com/shirou/gopsutil/v3/process"
)

// Snapshot is the result of one census: the selected sockets, with their
// side resolved, and when they were read.
type Snapshot struct {
	Taken    time.Time `json:"taken"`
	Selector Selector  `json:"selector"`
	Sockets  []Socket  `json:"sockets"`
}

// Take reads the kernel's TCP socket table (IPv4 and IPv6) and returns the
// sockets the selector chooses.
//
// A selection by pid alone walks only that process's file descriptors to
// find its sockets, the cheapest exact census (gopsutil's
// ConnectionsPidWithoutUids: the per-socket owner uids are never needed
// here and cost a read of /proc/PID/status each). A selection by port walks
// every process's descriptors, so that sockets without an owner, such as
// TIME_WAIT, are counted and the others get their pid. Either way the
// kernel's table for the whole network namespace is parsed, so the cost
// grows with every TCP socket on the machine, not only the selected ones.
func Take(ctx context.Context, sel Selector) (Snapshot, error) {
	if sel.Pid < 0 {
		return Snapshot{}, fmt.Errorf("pid %d is negative; pass a process id from ps, or 0 for all", sel.Pid)
	}
	if sel.Pid != 0 {
		if err := checkPid(ctx, sel.Pid); err != nil {
			return Snapshot{}, err
		}
	}
	raw, err := read(ctx, sel)
	if err != nil {
		return Snapshot{}, err
	}
	all := convert(raw)
	resolveSides(all, sel)
	snap := Snapshot{Taken: time.Now(), Selector: sel}
	for _, k := range all {
		if sel.Match(k) {
			snap.Sockets = append(snap.Sockets, k)
		}
	}
	return snap, nil
}

// Self selects the sockets of the calling process.
func Self() Selector { return Selector{Pid: int32(os.Getpid())} }

func read(ctx context.Context, sel Selector) ([]gnet.ConnectionStat, error) {
	var (
		raw []gnet.ConnectionStat
		err error
	)
	if sel.Pid != 0 && !sel.byPort() {
		raw, err = gnet.ConnectionsPidWithoutUidsWithContext(ctx, "tcp", sel.Pid)
	} else {
		raw, err = gnet.ConnectionsWithoutUidsWithContext(ctx, "tcp")
	}
	if err != nil {
		return nil, describe(err, sel)
	}
	return raw, nil
}

// checkPid checks that the process exists: on Linux a look at /proc/PID,
// elsewhere through gopsutil.
func checkPid(ctx context.Context, pid int32) error {
	ok, err := pidExists(ctx, pid)
	if err != nil {
		return fmt.Errorf("look up pid %d: %w", pid, err)
	}
	if !ok {
		return fmt.Errorf("no process with pid %d; is it still running? (check with ps)", pid)
	}
	return nil
}

func pidExists(ctx context.Context, pid int32) (bool, error) {
	if runtime.GOOS != "linux" {
		return process.PidExistsWithContext(ctx, pid)
	}
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func describe(err error, sel Selector) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("read TCP sockets of %s: permission denied reading /proc: %w; run as the process's user or as root", sel, err)
	}
	return fmt.Errorf("read TCP sockets of %s: %w", sel, err)
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

// resolveSides labels each socket: the listener, the server side (local
// port is the selected local port or a listening port) or the client side.
func resolveSides(all []Socket, sel Selector) {
	listening := map[uint16]bool{}
	for _, k := range all {
		if k.State == Listen {
			listening[k.Local.Port()] = true
		}
	}
	serverPort := sel.LocalPort
	if serverPort == 0 {
		serverPort = sel.Port
	}
	for i := range all {
		k := &all[i]
		switch {
		case k.State == Listen:
			k.Side = SideListen
		case serverPort != 0 && k.Local.Port() == serverPort:
			k.Side = SideServer
		case serverPort != 0 && k.Remote.Port() == serverPort:
			k.Side = SideClient
		case listening[k.Local.Port()]:
			k.Side = SideServer
		default:
			k.Side = SideClient
		}
	}
}
