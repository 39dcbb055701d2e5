package sockcheck_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// sampleOften compresses time: a watcher samples every 5ms.
var sampleOften = sockcheck.Interval(5 * time.Millisecond)

func TestWatchSeesTheFixedClientStayBounded(t *testing.T) {
	srv, port := startServer(t, nil)
	w := sockcheck.Watch(t, sockcheck.RemotePort(port), sampleOften)
	client := newFixedClient()
	getAll(t, client, srv.URL, 4, 20)
	assert.True(t, w.PeakAtMost(2), "MaxConnsPerHost is 2")
	n, at := w.Peak()
	assert.GreaterOrEqual(t, n, 1, "the client held a connection")
	assert.False(t, at.IsZero())
	client.CloseIdleConnections()
	assert.True(t, w.SettlesTo(0, 5*time.Second))
}

func TestWatchReportsTheLeakingClient(t *testing.T) {
	srv, port := startServer(t, nil)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	rt := &recordingT{}
	w := sockcheck.Watch(rt, sockcheck.RemotePort(port), sampleOften)
	defer w.Stop()
	for range 4 {
		leak.get(t, srv.URL)
	}

	assert.False(t, w.PeakAtMost(2))
	msg := rt.failure(t)
	rt.take()
	assert.Contains(t, msg, "sockcheck: peak of 4 sockets, want at most 2: ESTABLISHED=4\n")
	assert.Regexp(t, `\npeak: 4 sockets at \d\d:\d\d:\d\d\.\d{3}, [\d.]+m?s after the check started\n`, msg)
	assert.Contains(t, msg, fmt.Sprintf("hint: 4 ESTABLISHED to 127.0.0.1:%d: idle keep-alive sockets to the same host: a Transport per request?", port))

	assert.False(t, w.SettlesTo(0, 50*time.Millisecond))
	msg = rt.failure(t)
	rt.take()
	assert.Contains(t, msg, "sockcheck: 4 sockets still open 50ms after SettlesTo(0), want at most 0: ESTABLISHED=4\n")

	leak.release()
	assert.True(t, w.SettlesTo(0, 5*time.Second), "released: %q", rt.take())
}

// A failure says how long each socket has been open, as far as the
// watcher knows: since the first sample that saw it.
func TestWatchRemembersWhenEachSocketWasFirstSeen(t *testing.T) {
	srv, port := startServer(t, nil)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	rt := &recordingT{}
	w := sockcheck.Watch(rt, sockcheck.RemotePort(port), sampleOften)
	defer w.Stop()
	beforeOpen := time.Now()
	leak.get(t, srv.URL)
	require.Eventually(t, func() bool { n, _ := w.Peak(); return n == 1 }, 5*time.Second, 5*time.Millisecond,
		"the background sampling sees the socket")

	assert.False(t, w.SettlesTo(0, 100*time.Millisecond))
	sockets := regexp.MustCompile(`ESTABLISHED pid=\d+  seen open for (\S+)\n`).FindAllStringSubmatch(rt.failure(t), -1)
	require.Len(t, sockets, 1, rt.failure(t))
	age, err := time.ParseDuration(sockets[0][1])
	require.NoError(t, err)
	assert.GreaterOrEqual(t, age, 100*time.Millisecond, "seen by the background sampling before SettlesTo")
	assert.LessOrEqual(t, age, time.Since(beforeOpen).Round(time.Millisecond), "not seen before it opened")
}

func TestWatchWithAnInvalidOptionFailsOnce(t *testing.T) {
	rt := &recordingT{}
	w := sockcheck.Watch(rt, sockcheck.Interval(0))
	assert.False(t, w.PeakAtMost(1))
	assert.False(t, w.SettlesTo(0, time.Millisecond))
	w.Stop()
	assert.Contains(t, rt.failure(t), "sockcheck.Interval(0s): the interval must be positive")
}

func TestWatchStopsItsGoroutine(t *testing.T) {
	_, port := startServer(t, nil)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := sockcheck.Watch(t, sockcheck.RemotePort(port), sampleOften)
	assert.True(t, w.PeakAtMost(0))
	w.Stop()
	w.Stop() // a second Stop, and the one at cleanup, return at once
}
