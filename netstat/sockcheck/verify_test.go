package sockcheck_test

import (
	"context"
	"fmt"
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

func TestPortOf(t *testing.T) {
	srv, port := startServer(t, nil)
	assert.Equal(t, srv.Listener.Addr().String(), fmt.Sprintf("127.0.0.1:%d", port))
	assert.PanicsWithValue(t, `sockcheck.PortOf("/tmp/x.sock"): not a TCP host:port address; pass a TCP listener's Addr()`,
		func() { sockcheck.PortOf(unixAddr("/tmp/x.sock")) })
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
