//go:build linux

package netstat_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestEnginesAgree holds sockets in every state it can make on loopback,
// IPv4 and IPv6, with wildcard listeners, and reads them with the netlink
// engine, the gopsutil engine and `ss -tanpH`: the three must list the same
// sockets with the same state and owner, and the engines the same side.
func TestEnginesAgree(t *testing.T) {
	ss, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("ss not installed (apt-get install iproute2); nothing to compare the engines with")
	}
	f := holdEveryState(t)
	want := map[string]int{ // state: sockets the fixture holds in it
		netstat.Listen: 7, netstat.Established: 2*3 + 2*2 + 2*2 + 2*2 + 2, netstat.SynSent: 1,
		netstat.FinWait2: 2, netstat.CloseWait: 2, netstat.TimeWait: 2,
	}
	nl := waitEngine(t, netstat.EngineNetlink, f, want)
	gp := waitEngine(t, netstat.EngineGopsutil, f, want)
	assert.Equal(t, rows(nl, true), rows(gp, true), "netlink and gopsutil engines")
	assert.Equal(t, rows(nl, false), rows(readSS(t, ss, f), false), "netlink engine and ss -tanpH")

	me := int32(os.Getpid())
	for _, k := range nl {
		switch k.State {
		case netstat.TimeWait, netstat.FinWait2:
			assert.Zero(t, k.Pid, "%s: closed, no owner", k)
			assert.Equal(t, netstat.SideClient, k.Side, "%s: the dialled end closed first", k)
		case netstat.SynSent:
			assert.Equal(t, me, k.Pid, "%s", k)
			assert.Equal(t, netstat.SideClient, k.Side, "%s", k)
		case netstat.CloseWait:
			assert.Equal(t, me, k.Pid, "%s", k)
			assert.Equal(t, netstat.SideServer, k.Side, "%s", k)
		}
	}
}

// fixture is the sockets a test holds: the ports of its listeners.
type fixture struct{ ports []uint16 }

func (f *fixture) add(ln net.Listener) {
	f.ports = append(f.ports, uint16(ln.Addr().(*net.TCPAddr).Port))
}

func (f *fixture) mine(k netstat.Socket) bool {
	return slices.Contains(f.ports, k.Local.Port()) || slices.Contains(f.ports, k.Remote.Port())
}

// holdEveryState opens: 3 IPv4 connections; 2 whose dialled ends closed
// (FIN_WAIT2, ownerless, against CLOSE_WAIT); 2 closed on both sides, the
// dialled end first (TIME_WAIT); 2 on [::1]; 2 to a dual-stack [::]
// listener over IPv4 (v4-mapped) and 2 to a 0.0.0.0 listener; one to a
// listener whose accept queue is full, waiting unaccepted, and one more
// whose SYN the full queue drops (SYN_SENT, on loopback only).
func holdEveryState(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	est := openPairs(t, 3)
	fin := openPairs(t, 2)
	tw := openPairs(t, 2)
	for _, p := range []*loopback.Pairs{est, fin, tw} {
		f.add(p.Listener)
	}
	fin.CloseClients()
	tw.CloseClients()
	waitState(t, netstat.Selector{LocalPort: tw.Port(), States: []string{netstat.CloseWait}}, 2)
	tw.CloseServers()
	holdPairs(t, f, "tcp6", "[::1]:0", "[::1]", 2)
	holdPairs(t, f, "tcp", ":0", "127.0.0.1", 2)
	holdPairs(t, f, "tcp4", "0.0.0.0:0", "127.0.0.1", 2)
	holdSynSent(t, f)
	return f
}

// holdPairs listens on addr and dials n connections to it at host.
func holdPairs(t *testing.T, f *fixture, network, addr, host string, n int) {
	t.Helper()
	ln := listenFresh(t, network, addr)
	t.Cleanup(func() { ln.Close() })
	f.add(ln)
	port := strconv.Itoa(int(f.ports[len(f.ports)-1]))
	for range n {
		c, err := net.Dial("tcp", net.JoinHostPort(strings.Trim(host, "[]"), port))
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		s, err := ln.Accept()
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
	}
}

// holdSynSent listens on 127.0.0.1 with a backlog of 0 (an accept queue of
// one), fills the queue with one connection and starts one more: the
// kernel drops its SYN while the queue is full, so it stays in SYN_SENT,
// retrying on loopback until closed.
func holdSynSent(t *testing.T, f *fixture) {
	t.Helper()
	ln := rawSocket(t)
	require.NoError(t, unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, unix.Listen(ln, 0))
	sa, err := unix.Getsockname(ln)
	require.NoError(t, err)
	port := sa.(*unix.SockaddrInet4).Port
	f.ports = append(f.ports, uint16(port))
	queued, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	require.NoError(t, err)
	t.Cleanup(func() { queued.Close() })
	waitState(t, netstat.Selector{LocalPort: uint16(port), States: []string{netstat.Established}}, 1)
	c := rawSocket(t)
	err = unix.Connect(c, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
	require.True(t, errors.Is(err, unix.EINPROGRESS), "non-blocking connect: %v", err)
}

func rawSocket(t *testing.T) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// waitState polls the census until n sockets of the selection are there.
func waitState(t *testing.T, sel netstat.Selector, n int) {
	t.Helper()
	snap := waitFor(t, sel, func(s netstat.Snapshot) bool { return len(s.Sockets) == n })
	require.Len(t, snap.Sockets, n, "sockets of %s:\n%v", sel, snap.Sorted())
}

// waitEngine reads the whole table with engine until the fixture's sockets
// are all there (the last ones may still be on their way), and returns them.
func waitEngine(t *testing.T, e netstat.Engine, f *fixture, want map[string]int) []netstat.Socket {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		snap, err := netstat.TakeWith(context.Background(), netstat.Selector{}, netstat.Options{Engine: e})
		require.NoError(t, err)
		require.Equal(t, e, snap.Engine)
		mine := slices.DeleteFunc(snap.Sockets, func(k netstat.Socket) bool { return !f.mine(k) })
		got := map[string]int{}
		for _, k := range mine {
			got[k.State]++
		}
		if assert.ObjectsAreEqual(want, got) || time.Now().After(deadline) {
			require.Equal(t, want, got, "%s engine: sockets by state", e)
			return mine
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rows formats sockets for comparison, sorted: ends, state, owner and,
// with side, the side.
func rows(ks []netstat.Socket, side bool) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		r := fmt.Sprintf("%s -> %s %s pid=%d", k.Local, k.Remote, k.State, k.Pid)
		if side {
			r += " " + string(k.Side)
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// ssStates maps ss's state names to the kernel's.
var ssStates = map[string]string{
	"ESTAB": netstat.Established, "SYN-SENT": netstat.SynSent, "SYN-RECV": netstat.SynRecv,
	"FIN-WAIT-1": netstat.FinWait1, "FIN-WAIT-2": netstat.FinWait2, "TIME-WAIT": netstat.TimeWait,
	"UNCONN": netstat.Close, "CLOSE-WAIT": netstat.CloseWait, "LAST-ACK": netstat.LastAck,
	"LISTEN": netstat.Listen, "CLOSING": netstat.Closing,
}

var ssPid = regexp.MustCompile(`pid=(\d+)`)

// readSS runs ss -tanpH and returns the fixture's sockets.
func readSS(t *testing.T, ss string, f *fixture) []netstat.Socket {
	t.Helper()
	out, err := exec.Command(ss, "-tanpH").Output()
	require.NoError(t, err, "ss -tanpH")
	var ks []netstat.Socket
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		require.GreaterOrEqual(t, len(fields), 5, "ss line %q", line)
		k := netstat.Socket{State: ssStates[fields[0]], Local: ssAddr(t, fields[3]), Remote: ssAddr(t, fields[4])}
		require.NotEmpty(t, k.State, "ss state in %q", line)
		if m := ssPid.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[1])
			k.Pid = int32(pid)
		}
		if f.mine(k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// ssAddr parses ss's "127.0.0.1:80", "[::ffff:127.0.0.1]:80", "*:80" and
// "0.0.0.0:*".
func ssAddr(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	i := strings.LastIndexByte(s, ':')
	require.Positive(t, i, "ss address %q", s)
	host, port := strings.Trim(s[:i], "[]"), s[i+1:]
	if host == "*" {
		host = "::"
	}
	a, err := netip.ParseAddr(strings.SplitN(host, "%", 2)[0])
	require.NoError(t, err, "ss address %q", s)
	p, _ := strconv.Atoi(port) // "*": 0
	return netip.AddrPortFrom(a.Unmap(), uint16(p))
}

// TestEnginesAgreeOnSelections compares the engines' answers to each kind
// of selection, the kernel filtering ports and states for netlink.
func TestEnginesAgreeOnSelections(t *testing.T) {
	p := openPairs(t, 3)
	tw := openPairs(t, 2)
	tw.CloseClients()
	waitState(t, netstat.Selector{LocalPort: tw.Port(), States: []string{netstat.CloseWait}}, 2)
	tw.CloseServers()
	waitState(t, netstat.Selector{Port: tw.Port(), States: []string{netstat.TimeWait}}, 2)
	me := int32(os.Getpid())
	sels := []netstat.Selector{
		{Port: p.Port()}, {LocalPort: p.Port()}, {RemotePort: p.Port()},
		{Pid: me}, {Pid: me, Port: tw.Port()}, {Pid: me, States: []string{netstat.Established}},
		{Port: tw.Port(), States: []string{netstat.TimeWait}}, {RemotePort: tw.Port(), States: []string{netstat.TimeWait}},
		{Pid: me, Addr: netip.MustParseAddr("127.0.0.1"), LocalPort: p.Port()},
	}
	for _, sel := range sels {
		nl, err := netstat.TakeWith(context.Background(), sel, netstat.Options{Engine: netstat.EngineNetlink})
		require.NoError(t, err)
		gp, err := netstat.TakeWith(context.Background(), sel, netstat.Options{Engine: netstat.EngineGopsutil})
		require.NoError(t, err)
		f := &fixture{ports: []uint16{p.Port(), tw.Port()}}
		mine := func(s netstat.Snapshot) []string {
			return rows(slices.DeleteFunc(s.Sockets, func(k netstat.Socket) bool { return !f.mine(k) }), true)
		}
		assert.NotEmpty(t, mine(nl), "%s", sel)
		assert.Equal(t, mine(gp), mine(nl), "%s", sel)
	}
}

// listenFresh listens on addr on a port that holds no socket of an earlier
// run (see openPairs).
func listenFresh(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	for range 20 {
		ln, err := net.Listen(network, addr)
		require.NoError(t, err)
		if !staleOn(t, uint16(ln.Addr().(*net.TCPAddr).Port), nil) {
			return ln
		}
		ln.Close()
	}
	require.FailNow(t, "every port tried holds an earlier run's sockets")
	return nil
}
