package netstat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Engine names the way a census reads the kernel's TCP socket table.
type Engine string

const (
	// EngineAuto, the default, is EngineNetlink on Linux and EngineGopsutil
	// elsewhere. When the kernel refuses netlink (no permission, no
	// inet_diag support: EPERM, EACCES, EPROTONOSUPPORT, ENOENT, ...) it
	// writes one note saying so and counts with gopsutil from then on.
	EngineAuto Engine = "auto"
	// EngineNetlink asks the Linux kernel over netlink (sock_diag,
	// inet_diag), which filters by state and port itself, and for a
	// selection by pid alone by the process's cgroup v2 (Linux 5.9 with
	// CONFIG_SOCK_CGROUP_DATA; without it, every socket is asked for); the
	// owners of the sockets are found by inode, reading /proc/PID/fd only
	// for the processes the selection needs. Linux only.
	EngineNetlink Engine = "netlink"
	// EngineGopsutil parses /proc/net/tcp and /proc/net/tcp6 (and the
	// equivalent elsewhere) through github.com/shirou/gopsutil and walks
	// every process's file descriptors for owners. It works on every OS
	// gopsutil supports; leaklab's server counts its own sockets with it.
	EngineGopsutil Engine = "gopsutil"
)

// ParseEngine returns the engine named s: "auto" (or ""), "netlink" or
// "gopsutil".
func ParseEngine(s string) (Engine, error) {
	switch e := Engine(s); e {
	case "", EngineAuto:
		return EngineAuto, nil
	case EngineNetlink, EngineGopsutil:
		return e, nil
	}
	return "", fmt.Errorf("unknown census engine %q; use auto, netlink or gopsutil", s)
}

// Options tunes one census. The zero Options is what Take uses.
type Options struct {
	// Engine reads the socket table. Default (""): EngineAuto.
	Engine Engine
	// SkipOwners leaves Socket.Pid at 0 for a selection without a pid,
	// instead of walking every process's file descriptors to find the
	// owners: counts by side and state never need them, and the walk costs
	// one readlink per descriptor on the machine. A selection by pid always
	// reads that process's descriptors. The gopsutil engine always reads
	// owners.
	SkipOwners bool
	// Notes receives the one note EngineAuto writes when the kernel refuses
	// netlink and the census falls back to gopsutil. Default: os.Stderr.
	Notes io.Writer
}

// Take reads the kernel's TCP socket table (IPv4 and IPv6) with the
// default engine (EngineAuto: netlink on Linux) and returns the sockets the
// selector chooses, each with its owner's pid where it has one.
//
// A selection by pid reads only that process's file descriptors for
// owners. A selection by port also counts the sockets that have no owner,
// such as TIME_WAIT, and walks the other processes' descriptors to give
// the rest their pid; TakeWith with Options.SkipOwners spares that walk.
func Take(ctx context.Context, sel Selector) (Snapshot, error) {
	return TakeWith(ctx, sel, Options{})
}

// TakeWith is Take with a choice of engine and options.
func TakeWith(ctx context.Context, sel Selector, o Options) (Snapshot, error) {
	if err := checkSelector(ctx, sel); err != nil {
		return Snapshot{}, err
	}
	var (
		snap Snapshot
		err  error
	)
	switch o.Engine {
	case "", EngineAuto:
		snap, err = defaultAuto.take(ctx, sel, o)
	case EngineNetlink:
		snap, err = takeNetlink(ctx, sel, o, openSockDiag)
	case EngineGopsutil:
		snap, err = takeGopsutil(ctx, sel)
	default:
		return Snapshot{}, fmt.Errorf("census engine %q is unknown; use %q, %q or %q", o.Engine, EngineAuto, EngineNetlink, EngineGopsutil)
	}
	if err != nil {
		return Snapshot{}, describe(err, sel)
	}
	return snap, nil
}

func checkSelector(ctx context.Context, sel Selector) error {
	if sel.Pid < 0 {
		return fmt.Errorf("pid %d is negative; pass a process id from ps, or 0 for all", sel.Pid)
	}
	if sel.Pid != 0 {
		return checkPid(ctx, sel.Pid)
	}
	return nil
}

// auto is EngineAuto: netlink until the kernel refuses it, then gopsutil.
type auto struct {
	dial    func() (int, error) // opens the sock_diag socket; tests inject a refusal
	mu      sync.Mutex
	refused error // why netlink was refused; nil while it works
}

var defaultAuto = &auto{dial: openSockDiag}

func (a *auto) take(ctx context.Context, sel Selector, o Options) (Snapshot, error) {
	if runtime.GOOS != "linux" || a.refusal() != nil {
		return takeGopsutil(ctx, sel)
	}
	snap, err := takeNetlink(ctx, sel, o, a.dial)
	if err == nil || !refused(err) {
		return snap, err
	}
	if a.refuse(err) {
		notes := o.Notes
		if notes == nil {
			notes = os.Stderr
		}
		fmt.Fprintf(notes, "netstat: the kernel refused a netlink socket census (%v); counting TCP sockets with gopsutil (/proc/net/tcp) instead\n", err)
	}
	return takeGopsutil(ctx, sel)
}

func (a *auto) refusal() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refused
}

// refuse records the refusal; it reports whether this was the first.
func (a *auto) refuse(err error) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	first := a.refused == nil
	if first {
		a.refused = err
	}
	return first
}

// unreadableProcess is a failure to read the selected process's
// descriptors (another user's, or gone): no engine would do better, so it
// is never a refusal of netlink.
type unreadableProcess struct{ err error }

func (u unreadableProcess) Error() string { return u.err.Error() }
func (u unreadableProcess) Unwrap() error { return u.err }

// refused reports whether err says the kernel will not answer a netlink
// census at all (as opposed to a failure of this one census, or a process
// whose descriptors cannot be read).
func refused(err error) bool {
	if errors.As(err, new(unreadableProcess)) {
		return false
	}
	for _, errno := range []syscall.Errno{syscall.EPERM, syscall.EACCES, syscall.EPROTONOSUPPORT,
		syscall.EAFNOSUPPORT, syscall.ENOENT, syscall.EOPNOTSUPP} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return errors.Is(err, errNetlinkUnsupported)
}

var errNetlinkUnsupported = errors.New("the netlink census engine works on Linux only; use the gopsutil engine")

// finish labels the sides of every socket read, keeps the selected ones
// (in place) and stamps the snapshot.
func finish(all []Socket, listening map[uint16]bool, sel Selector, e Engine) Snapshot {
	resolveSides(all, listening, sel)
	kept := all[:0]
	for _, k := range all {
		if sel.Match(k) {
			kept = append(kept, k)
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	return Snapshot{Taken: time.Now(), Selector: sel, Engine: e, Sockets: kept}
}
