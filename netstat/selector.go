package netstat

import (
	"fmt"
	"net/netip"
	"slices"
)

// Selector chooses the sockets a census counts. The zero Selector selects
// every TCP socket in the network namespace. Fields combine with AND.
type Selector struct {
	// Pid keeps the sockets this process owns. When a port is also given,
	// sockets that have no owner (TIME_WAIT) and match the port are kept
	// too, because they were this process's a moment ago. 0: any process.
	Pid int32 `json:"pid,omitempty"`
	// Port keeps both ends of connections to this port: the server side
	// (local port) and the client side (remote port). 0: any port.
	Port uint16 `json:"port,omitempty"`
	// LocalPort keeps sockets whose local port matches (the server side of
	// a server on this port, and its listener). 0: any.
	LocalPort uint16 `json:"local_port,omitempty"`
	// RemotePort keeps sockets whose remote port matches (the client side
	// of connections to a server on this port). 0: any.
	RemotePort uint16 `json:"remote_port,omitempty"`
	// Addr keeps sockets whose local or remote address is this one.
	// The zero Addr matches any.
	Addr netip.Addr `json:"addr,omitzero"`
	// LocalAddr keeps sockets whose local address is this one, such as a
	// server's listening address. The unspecified IPv4 address (0.0.0.0)
	// keeps every IPv4 address, the unspecified IPv6 address (::, a
	// dual-stack listener) every address. The zero LocalAddr matches any.
	LocalAddr netip.Addr `json:"local_addr,omitzero"`
	// States keeps sockets in one of these states. Empty: every state.
	States []string `json:"states,omitempty"`
}

// String describes the selection for messages, e.g. "pid 42, port 8080".
func (s Selector) String() string {
	var parts []string
	add := func(format string, v any) { parts = append(parts, fmt.Sprintf(format, v)) }
	if s.Pid != 0 {
		add("pid %d", s.Pid)
	}
	if s.Port != 0 {
		add("port %d", s.Port)
	}
	if s.LocalPort != 0 {
		add("local port %d", s.LocalPort)
	}
	if s.RemotePort != 0 {
		add("remote port %d", s.RemotePort)
	}
	if s.Addr.IsValid() {
		add("address %s", s.Addr)
	}
	if s.LocalAddr.IsValid() {
		add("local address %s", s.LocalAddr)
	}
	if len(s.States) > 0 {
		add("states %v", s.States)
	}
	if len(parts) == 0 {
		return "all TCP sockets"
	}
	return joinComma(parts)
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// byPort reports whether the selection names a port, in which case sockets
// without an owner must be read as well.
func (s Selector) byPort() bool {
	return s.Port != 0 || s.LocalPort != 0 || s.RemotePort != 0
}

// Match reports whether a socket belongs to the selection.
func (s Selector) Match(k Socket) bool {
	if s.Pid != 0 && k.Pid != s.Pid && (k.Pid != 0 || !s.byPort()) {
		return false
	}
	if s.Port != 0 && k.Local.Port() != s.Port && k.Remote.Port() != s.Port {
		return false
	}
	if s.LocalPort != 0 && k.Local.Port() != s.LocalPort {
		return false
	}
	if s.RemotePort != 0 && k.Remote.Port() != s.RemotePort {
		return false
	}
	if s.Addr.IsValid() && k.Local.Addr() != s.Addr && k.Remote.Addr() != s.Addr {
		return false
	}
	if s.LocalAddr.IsValid() && !localAddrMatch(s.LocalAddr, k.Local.Addr()) {
		return false
	}
	if len(s.States) > 0 && !slices.Contains(s.States, k.State) {
		return false
	}
	return true
}

// localAddrMatch reports whether a socket's local address a is one a
// listener on want accepts connections on.
func localAddrMatch(want, a netip.Addr) bool {
	want = want.Unmap()
	switch {
	case !want.IsUnspecified():
		return a == want
	case want.Is4():
		return a.Is4()
	}
	return true
}
