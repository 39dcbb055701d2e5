package netstat

import (
	"fmt"
	"net/netip"
)

// TCP states as the Linux kernel names them (and gopsutil reports them).
const (
	Established = "ESTABLISHED"
	SynSent     = "SYN_SENT"
	SynRecv     = "SYN_RECV"
	FinWait1    = "FIN_WAIT1"
	FinWait2    = "FIN_WAIT2"
	TimeWait    = "TIME_WAIT"
	Close       = "CLOSE"
	CloseWait   = "CLOSE_WAIT"
	LastAck     = "LAST_ACK"
	Listen      = "LISTEN"
	Closing     = "CLOSING"
)

// States lists every TCP state in the order a connection usually goes
// through them; tables and series use this order.
var States = []string{
	Listen, SynSent, SynRecv, Established, FinWait1, FinWait2,
	CloseWait, Closing, LastAck, TimeWait, Close,
}

// Side says which end of a connection a socket is.
type Side string

const (
	// SideServer is an accepted connection: its local port is the selected
	// port, or a port this census saw listening.
	SideServer Side = "server"
	// SideClient is a connection this host dialled: its remote port is the
	// selected port, or its local port is nobody's listening port.
	SideClient Side = "client"
	// SideListen is a listening socket.
	SideListen Side = "listen"
)

// Socket is one TCP socket as the kernel reports it.
type Socket struct {
	Local  netip.AddrPort `json:"local"`
	Remote netip.AddrPort `json:"remote"`
	// State is the TCP state, one of the constants above.
	State string `json:"state"`
	// Pid owns the socket; 0 when no process does (TIME_WAIT) or when the
	// owner could not be read.
	Pid int32 `json:"pid"`
	// Side is the end of the connection this socket is.
	Side Side `json:"side"`
}

// String formats a socket the way netstat does: local, remote, state, pid.
func (s Socket) String() string {
	pid := "-"
	if s.Pid != 0 {
		pid = fmt.Sprint(s.Pid)
	}
	return fmt.Sprintf("%-6s %-22s -> %-22s %-11s pid=%s", s.Side, s.Local, s.Remote, s.State, pid)
}
