package sockcheck_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failFast keeps the checks that must fail short.
const failFast = 300 * time.Millisecond

var pid = os.Getpid()

func TestVerifyNonePassesOnTheFixedClient(t *testing.T) {
	srv, port := startServer(t, nil)
	defer sockcheck.VerifyNone(t, sockcheck.RemotePort(port))
	client := newFixedClient()
	defer client.CloseIdleConnections()
	getAll(t, client, srv.URL, 2, 6)
}

func TestVerifyNoneReportsATransportPerRequest(t *testing.T) {
	srv, port := startServer(t, nil)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	rt := &recordingT{}
	func() {
		defer sockcheck.VerifyNone(rt, sockcheck.RemotePort(port), sockcheck.Timeout(failFast))
		for range 3 {
			leak.get(t, srv.URL)
		}
	}()
	msg := rt.failure(t)
	got := lines(msg)
	require.Len(t, got, 7, msg)
	assert.Equal(t, "sockcheck: 3 sockets still open after 300ms: ESTABLISHED=3", got[0])
	assert.Equal(t, fmt.Sprintf("selection: pid %d, remote port %d, states [ESTABLISHED CLOSE_WAIT]", pid, port), got[1])
	for _, line := range got[2:5] {
		assert.Regexp(t, fmt.Sprintf(`^    client 127\.0\.0\.1:\d+ +-> 127\.0\.0\.1:%d +ESTABLISHED pid=%d  (seen open for [\d.]+m?s|first seen now)$`, port, pid), line)
	}
	assert.Regexp(t, `^peak: 3 sockets at \d\d:\d\d:\d\d\.\d{3}, [\d.]+m?s after the check started$`, got[5])
	assert.Equal(t, fmt.Sprintf("hint: 3 ESTABLISHED to 127.0.0.1:%d: idle keep-alive sockets to the same host: "+
		"a Transport per request? see docs/01-new-client-per-request.md; "+
		"or response bodies never closed (docs/02-body-not-closed.md)", port), got[6])
}

func TestVerifyNoneReportsABodyNotClosed(t *testing.T) {
	srv, port := startServer(t, nil)
	leak := newBodyNotClosed()
	t.Cleanup(leak.release)
	rt := &recordingT{}
	leak.get(t, srv.URL)
	sockcheck.VerifyNone(rt, sockcheck.RemotePort(port), sockcheck.Timeout(failFast))
	msg := rt.failure(t)
	assert.Contains(t, msg, "sockcheck: 1 socket still open after 300ms: ESTABLISHED=1\n")
	assert.Contains(t, msg, "hint: 1 ESTABLISHED client side: a connection this process dialled is still open: a response body not closed")
}

func TestVerifyNoneReportsCloseWait(t *testing.T) {
	srv, port := startServer(t, closingHandler)
	leak := newBodyNotClosed()
	t.Cleanup(leak.release)
	leak.get(t, srv.URL)
	mine := netstat.Selector{Pid: int32(pid), RemotePort: port}
	waitForState(t, mine, netstat.CloseWait, 1) // the server has closed its end
	rt := &recordingT{}
	sockcheck.VerifyNone(rt, sockcheck.RemotePort(port), sockcheck.Timeout(failFast))
	msg := rt.failure(t)
	assert.Contains(t, msg, "sockcheck: 1 socket still open after 300ms: CLOSE_WAIT=1\n")
	assert.Contains(t, msg, "CLOSE_WAIT  pid=")
	assert.Contains(t, msg, "hint: 1 CLOSE_WAIT client side: the peer closed but this process never closed its end: a response body not closed?")
}

// The arguments of a deferred call are evaluated at the defer statement:
// IgnoreCurrent there is the baseline, and a later leak is still caught.
func TestIgnoreCurrentTakesTheBaselineAtTheDefer(t *testing.T) {
	srv, port := startServer(t, nil)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	leak.get(t, srv.URL) // open before the check starts: ignored
	rt := &recordingT{}
	check := func(leakMore bool) {
		defer sockcheck.VerifyNone(rt, sockcheck.RemotePort(port), sockcheck.IgnoreCurrent(), sockcheck.Timeout(failFast))
		if leakMore {
			leak.get(t, srv.URL)
		}
	}
	check(false)
	assert.True(t, rt.passed(), "the socket open before the defer is ignored: %q", rt.take())
	check(true)
	assert.Contains(t, rt.failure(t), "sockcheck: 1 socket still open after 300ms: ESTABLISHED=1\n")
}

func TestIgnoreLeavesTheNamedSocketsOut(t *testing.T) {
	p := openPairs(t, 2)
	mine := netstat.Selector{Pid: int32(pid), RemotePort: p.Port(), States: []string{netstat.Established}}
	snap, err := netstat.Take(context.Background(), mine)
	require.NoError(t, err)
	require.Len(t, snap.Sockets, 2)
	err = sockcheck.Find(sockcheck.RemotePort(p.Port()), sockcheck.Ignore(snap.Sockets[0]), sockcheck.Timeout(failFast))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sockcheck: 1 socket still open")
	assert.NotContains(t, err.Error(), snap.Sockets[0].Local.String())
}

// Sockets without an owner are selected by port alone, so another
// process's TIME_WAIT socket that used the same port number may count too:
// the counts here are lower bounds.
func TestFindCountsTimeWaitByPort(t *testing.T) {
	p := openPairs(t, 3)
	p.CloseClients()
	p.CloseServers() // the dialled ends closed first: they wait in TIME_WAIT
	waitForState(t, netstat.Selector{Pid: int32(pid), RemotePort: p.Port()}, netstat.TimeWait, 3)
	err := sockcheck.Find(sockcheck.RemotePort(p.Port()), sockcheck.States(netstat.TimeWait), sockcheck.Timeout(failFast))
	require.Error(t, err)
	hint := regexp.MustCompile(`\nhint: (\d+) TIME_WAIT client side: connections are not reused: body not drained \(docs/03-body-not-drained.md\), or MaxIdleConnsPerHost too small`).FindStringSubmatch(err.Error())
	require.NotNil(t, hint, err.Error())
	n, convErr := strconv.Atoi(hint[1])
	require.NoError(t, convErr)
	assert.GreaterOrEqual(t, n, 3)
	assert.Contains(t, err.Error(), fmt.Sprintf("-> 127.0.0.1:%d        TIME_WAIT   pid=-", p.Port()))
}

func TestFindListsTheFirstSocketsAndCountsTheRest(t *testing.T) {
	p := openPairs(t, 15)
	err := sockcheck.Find(sockcheck.Port(p.Port()), sockcheck.Timeout(failFast))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sockcheck: 30 sockets still open after 300ms: ESTABLISHED=30\n")
	assert.Contains(t, err.Error(), "\n    ... and 10 more\n")
	assert.Contains(t, err.Error(), "peak: 30 sockets at")
}

func TestFindReportsWhatToFix(t *testing.T) {
	cases := []struct {
		name string
		opts []sockcheck.Option
		want string
	}{
		{"interval", []sockcheck.Option{sockcheck.Interval(0)}, "sockcheck.Interval(0s): the interval must be positive; try sockcheck.DefaultInterval (50ms)"},
		{"timeout", []sockcheck.Option{sockcheck.Timeout(-time.Second)}, "sockcheck.Timeout(-1s): the timeout must be positive; try sockcheck.DefaultTimeout (5s)"},
		{"unknown state", []sockcheck.Option{sockcheck.States("IDLE")}, `sockcheck.States("IDLE"): unknown TCP state; use a netstat constant such as netstat.Established`},
		{"no state", []sockcheck.Option{sockcheck.States()}, "sockcheck.States(): no state to count"},
		{"TIME_WAIT by pid", []sockcheck.Option{sockcheck.States(netstat.TimeWait)}, "never sees TIME_WAIT sockets, which belong to no process; add sockcheck.Port, LocalPort or RemotePort"},
		{"no such process", []sockcheck.Option{sockcheck.Pid(1 << 30)}, "no process with pid 1073741824"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := sockcheck.Find(tc.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// PortOf takes what a test has in hand for a server.
func TestPortOf(t *testing.T) {
	srv, port := startServer(t, nil)
	want := int(port)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	for name, v := range map[string]any{
		"server": srv, "URL": srv.URL, "*url.URL": u, "listener": srv.Listener, "net.Addr": srv.Listener.Addr(),
		"host:port": srv.Listener.Addr().String(), "netip.AddrPort": netip.MustParseAddrPort(srv.Listener.Addr().String()),
	} {
		assert.Equal(t, want, sockcheck.PortOf(v), name)
	}
	assert.Equal(t, 8080, sockcheck.PortOf("[::1]:8080"))
	assert.Equal(t, 443, sockcheck.PortOf("https://example.com/x"), "the scheme's port")
	assert.PanicsWithValue(t, `sockcheck.PortOf(sockcheck_test.unixAddr "/tmp/x.sock"): no TCP port in it; pass an *httptest.Server, its URL or its Listener.Addr()`,
		func() { sockcheck.PortOf(unixAddr("/tmp/x.sock")) })
	assert.PanicsWithValue(t, `sockcheck.PortOf("localhost"): no TCP port in it; pass an *httptest.Server, its URL or its Listener.Addr()`,
		func() { sockcheck.PortOf("localhost") })
	assert.Panics(t, func() { sockcheck.PortOf(42) }, "an int is a port already: pass it to RemotePort")
}

// Ports and pids go in as ints, as the net and os packages give them, or
// as any other integer type; addresses as net.IP, netip.Addr or strings.
func TestOptionsTakeWhatATestHas(t *testing.T) {
	p := openPairs(t, 1)
	tcp := p.Listener.Addr().(*net.TCPAddr)
	leaks := [][]sockcheck.Option{
		{sockcheck.RemotePort(tcp.Port)},
		{sockcheck.RemotePort(p.Port())},
		{sockcheck.RemotePort(sockcheck.PortOf(p.Listener))},
		{sockcheck.RemotePort(tcp.Port), sockcheck.Pid(os.Getpid())},
		{sockcheck.RemotePort(tcp.Port), sockcheck.Pid(int32(pid)), sockcheck.Addr(net.ParseIP("127.0.0.1"))},
		{sockcheck.RemotePort(tcp.Port), sockcheck.Addr(tcp.IP)},
		{sockcheck.RemotePort(tcp.Port), sockcheck.Addr(netip.MustParseAddr("127.0.0.1"))},
		{sockcheck.RemotePort(tcp.Port), sockcheck.Addr("127.0.0.1")},
		{sockcheck.LocalPort(tcp.Port)},
		{sockcheck.Port(uint64(tcp.Port))},
	}
	for i, opts := range leaks {
		err := sockcheck.Find(append(opts, sockcheck.Timeout(10*time.Millisecond))...)
		if assert.Error(t, err, "selection %d sees the open connection", i) {
			assert.Contains(t, err.Error(), "still open", "selection %d", i)
		}
	}
	err := sockcheck.Find(sockcheck.RemotePort(tcp.Port), sockcheck.Addr("::1"), sockcheck.Timeout(10*time.Millisecond))
	assert.NoError(t, err, "another address selects nothing")
}

func TestOptionsOutOfRangeSayWhatToPass(t *testing.T) {
	cases := []struct {
		opt  sockcheck.Option
		want string
	}{
		{sockcheck.RemotePort(70000), "sockcheck.RemotePort(70000): not a TCP port (1-65535); pass the server's port, e.g. sockcheck.RemotePort(sockcheck.PortOf(srv))"},
		{sockcheck.LocalPort(-1), "sockcheck.LocalPort(-1): not a TCP port (1-65535)"},
		{sockcheck.Port(0), "sockcheck.Port(0): not a TCP port (1-65535)"},
		{sockcheck.Port(uint64(1 << 32)), "sockcheck.Port(4294967296): not a TCP port"},
		{sockcheck.Pid(-1), "sockcheck.Pid(-1): not a process id; pass os.Getpid() or a pid from ps, or 0 for every process"},
		{sockcheck.Pid(int64(1) << 40), "sockcheck.Pid(1099511627776): not a process id"},
		{sockcheck.Addr("localhost"), `sockcheck.Addr(localhost): not an IP address; pass one such as "127.0.0.1", "::1" or net.ParseIP's result`},
		{sockcheck.Addr(net.IP(nil)), "sockcheck.Addr(<nil>): not an IP address"},
		{sockcheck.Addr(netip.Addr{}), "sockcheck.Addr(invalid IP): not an IP address"},
	}
	for _, tc := range cases {
		err := sockcheck.Find(tc.opt)
		if assert.Error(t, err, tc.want) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
}

type unixAddr string

func (a unixAddr) Network() string { return "unix" }
func (a unixAddr) String() string  { return string(a) }

func openPairs(t *testing.T, n int) *loopback.Pairs {
	t.Helper()
	p, err := loopback.Open(n)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}
