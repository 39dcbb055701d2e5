package doctor

import (
	"cmp"
	"fmt"
	"net/netip"

	"github.com/leaklab/leaklab/netstat"
)

// Key names a group of sockets: one side, one peer, one TCP state.
type Key struct {
	// Side is the client side (this process dialled) or the server side
	// (it accepted).
	Side netstat.Side `json:"side"`
	// Port is the local port of a server-side group; 0 on the client side.
	Port uint16 `json:"local_port,omitempty"`
	// Peer is the remote address and port of a client-side group, or the
	// client's address (port 0) of a server-side one.
	Peer netip.AddrPort `json:"peer"`
	// State is the TCP state.
	State string `json:"state"`
}

// keyOf is the group a socket belongs to; ok is false for listeners.
func keyOf(k netstat.Socket) (Key, bool) {
	switch k.Side {
	case netstat.SideListen:
		return Key{}, false
	case netstat.SideServer:
		return Key{Side: k.Side, Port: k.Local.Port(), Peer: netip.AddrPortFrom(k.Remote.Addr(), 0), State: k.State}, true
	}
	return Key{Side: netstat.SideClient, Peer: k.Remote, State: k.State}, true
}

// Where is the group's peer as people read it: "→ 10.0.0.7:443" for a
// connection this process dialled, ":8080 ← 10.0.0.9" for one it
// accepted.
func (k Key) Where() string {
	if k.Side == netstat.SideServer {
		return fmt.Sprintf(":%d ← %s", k.Port, k.Peer.Addr())
	}
	return "→ " + k.Peer.String()
}

// String is the group in one phrase: "ESTABLISHED → 10.0.0.7:443".
func (k Key) String() string { return k.State + " " + k.Where() }

// compare orders keys by side, port, peer and state, for stable output.
func (k Key) compare(o Key) int {
	return cmp.Or(cmp.Compare(k.Side, o.Side), cmp.Compare(k.Port, o.Port),
		k.Peer.Compare(o.Peer), cmp.Compare(k.State, o.State))
}

// tuple is a connection's 4-tuple, to tell a new TIME_WAIT socket from
// one already counted.
type tuple struct{ local, remote netip.AddrPort }
