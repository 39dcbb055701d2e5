package netstat

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"time"

	"github.com/shirou/gopsutil/v3/process"
)

// Snapshot is the result of one census: the selected sockets, with their
// side resolved, and when they were read.
type Snapshot struct {
	Taken    time.Time `json:"taken"`
	Selector Selector  `json:"selector"`
	// Engine is the engine that read the table (never EngineAuto).
	Engine  Engine   `json:"engine,omitempty"`
	Sockets []Socket `json:"sockets"`
}

// Self selects the sockets of the calling process.
func Self() Selector { return Selector{Pid: int32(os.Getpid())} }

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
		return fmt.Errorf("read TCP sockets of %s: permission denied: %w; run as the process's user or as root", sel, err)
	}
	return fmt.Errorf("read TCP sockets of %s: %w", sel, err)
}

// listeningPorts returns the local ports of the listening sockets.
func listeningPorts(all []Socket) map[uint16]bool {
	listening := map[uint16]bool{}
	for _, k := range all {
		if k.State == Listen {
			listening[k.Local.Port()] = true
		}
	}
	return listening
}

// resolveSides labels each socket: the listener, the server side (local
// port is the selected local port or a listening port) or the client side.
func resolveSides(all []Socket, listening map[uint16]bool, sel Selector) {
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
