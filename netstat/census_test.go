package netstat_test

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openPairs opens n loopback connections on a port that holds no socket
// of an earlier run: the kernel may hand out a port whose last user's
// TIME_WAIT sockets are still there for a minute, and the tests count
// every socket of their port.
func openPairs(t *testing.T, n int) *loopback.Pairs {
	t.Helper()
	for range 20 {
		p, err := loopback.Open(n)
		require.NoError(t, err)
		if !staleOn(t, p.Port(), p.Clients) {
			t.Cleanup(p.Close)
			return p
		}
		p.Close()
	}
	require.FailNow(t, "every port tried holds an earlier run's sockets")
	return nil
}

// staleOn says whether port holds sockets other than its listener and the
// connections whose client ends are given.
func staleOn(t *testing.T, port uint16, clients []net.Conn) bool {
	t.Helper()
	ends := map[netip.AddrPort]bool{}
	for _, c := range clients {
		ends[c.LocalAddr().(*net.TCPAddr).AddrPort()] = true
	}
	snap, err := netstat.Take(context.Background(), netstat.Selector{Port: port})
	require.NoError(t, err)
	for _, k := range snap.Sockets {
		if k.Side != netstat.SideListen && !ends[k.Local] && !ends[k.Remote] {
			return true
		}
	}
	return false
}

// waitFor polls the census until cond holds or the deadline passes, and
// returns the last snapshot.
func waitFor(t *testing.T, sel netstat.Selector, cond func(netstat.Snapshot) bool) netstat.Snapshot {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		snap, err := netstat.Take(context.Background(), sel)
		require.NoError(t, err)
		if cond(snap) || time.Now().After(deadline) {
			return snap
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTakeCountsEstablishedBySide(t *testing.T) {
	p := openPairs(t, 7)
	cases := []struct {
		name           string
		sel            netstat.Selector
		server, client int
		listen         int
	}{
		{"port", netstat.Selector{Port: p.Port()}, 7, 7, 1},
		{"local port", netstat.Selector{LocalPort: p.Port()}, 7, 0, 1},
		{"remote port", netstat.Selector{RemotePort: p.Port()}, 0, 7, 0},
		{"pid and port", netstat.Selector{Pid: int32(os.Getpid()), Port: p.Port()}, 7, 7, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := netstat.Take(context.Background(), tc.sel)
			require.NoError(t, err)
			c := snap.Counts()
			assert.Equal(t, tc.server, c.Server[netstat.Established], "server side ESTABLISHED")
			assert.Equal(t, tc.client, c.Client[netstat.Established], "client side ESTABLISHED")
			assert.Equal(t, tc.listen, c.Listen, "listeners")
		})
	}
}

func TestTakeByPidSeesOwnSockets(t *testing.T) {
	p := openPairs(t, 5)
	snap, err := netstat.Take(context.Background(), netstat.Self())
	require.NoError(t, err)
	mine := snap.Select(netstat.Selector{Port: p.Port()})
	assert.Equal(t, 10, mine.Count("", netstat.Established), "both ends of 5 connections")
	for _, k := range mine.Sockets {
		assert.Equal(t, int32(os.Getpid()), k.Pid, "socket %s", k)
	}
}

func TestTimeWaitIsCountedByPortButHasNoPid(t *testing.T) {
	p := openPairs(t, 4)
	// openPairs chose a port that holds no earlier run's sockets: the
	// snapshot is this test's connections and listener alone.
	sel := netstat.Selector{Port: p.Port()}
	p.CloseClients() // the peer has not closed yet: CLOSE_WAIT on its side
	snap := waitFor(t, sel, func(s netstat.Snapshot) bool {
		return s.Count(netstat.SideServer, netstat.CloseWait) == 4
	})
	require.Equal(t, 4, snap.Count(netstat.SideServer, netstat.CloseWait), "sockets:\n%v", snap.Sorted())
	p.CloseServers() // the dialled ends closed first: they wait in TIME_WAIT
	snap = waitFor(t, sel, func(s netstat.Snapshot) bool {
		return s.Count(netstat.SideClient, netstat.TimeWait) == 4
	})
	require.Equal(t, 4, snap.Count(netstat.SideClient, netstat.TimeWait), "sockets:\n%v", snap.Sorted())
	for _, k := range snap.Select(netstat.Selector{States: []string{netstat.TimeWait}}).Sockets {
		assert.Zero(t, k.Pid, "TIME_WAIT socket %s has no owner", k)
	}
	byPid, err := netstat.Take(context.Background(), netstat.Self())
	require.NoError(t, err)
	assert.Zero(t, byPid.Select(sel).Count("", netstat.TimeWait), "a census by pid alone cannot see TIME_WAIT")
}

func TestTakeUnknownPid(t *testing.T) {
	_, err := netstat.Take(context.Background(), netstat.Selector{Pid: 1 << 30})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no process with pid 1073741824")
}

func TestSelectorString(t *testing.T) {
	assert.Equal(t, "all TCP sockets", netstat.Selector{}.String())
	assert.Equal(t, "pid 3, port 80, states [TIME_WAIT]",
		netstat.Selector{Pid: 3, Port: 80, States: []string{netstat.TimeWait}}.String())
}

func TestCountsLineAndTable(t *testing.T) {
	c := netstat.Counts{
		Server: netstat.StateCounts{netstat.Established: 3, netstat.TimeWait: 1},
		Client: netstat.StateCounts{},
	}
	assert.Equal(t, "server ESTABLISHED=3 TIME_WAIT=1 | client none", c.Line())
	var b strings.Builder
	require.NoError(t, c.WriteTable(&b))
	assert.Contains(t, b.String(), "ESTABLISHED")
	assert.Contains(t, b.String(), "listening sockets: 0")
}
