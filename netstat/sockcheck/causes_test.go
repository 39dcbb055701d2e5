package sockcheck_test

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A selection of the whole process blames a test for the sockets of
// every test running beside it: its failure says so, and how to narrow it.
func TestAWholeProcessFailureSaysHowToNarrowIt(t *testing.T) {
	baseline := sockcheck.IgnoreCurrent()
	openPairs(t, 1)
	err := sockcheck.Find(baseline, sockcheck.Timeout(failFast))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "\nnote: the selection covers the whole process: tests that run in parallel (t.Parallel) share it, "+
		"so their sockets count too; select this test's own server: srv := sockcheck.NewServer(t, handler), "+
		"or sockcheck.RemotePort(sockcheck.PortOf(srv))")

	p := openPairs(t, 1)
	err = sockcheck.Find(sockcheck.RemotePort(p.Port()), sockcheck.Timeout(failFast))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "note: the selection covers the whole process")
}

// A hijacked connection kept open after its handler returned is in
// CLOSE_WAIT on the server side once the client leaves: no handler is
// running, so the hint names the connection nobody closed.
func TestVerifyNoneNamesAHijackedConnectionNeverClosed(t *testing.T) {
	h := hijacker{conns: make(chan net.Conn, 1)}
	t.Cleanup(h.release)
	srv, port := startServer(t, h.ServeHTTP)
	client := newFixedClient()
	require.NoError(t, getAndDrain(client, srv.URL))
	client.CloseIdleConnections()
	waitForState(t, netstat.Selector{Pid: int32(pid), LocalPort: port}, netstat.CloseWait, 1)
	rt := &recordingT{}
	sockcheck.VerifyNone(rt, sockcheck.LocalPort(port), sockcheck.Timeout(failFast))
	msg := rt.failure(t)
	assert.Contains(t, msg, "hint: 1 CLOSE_WAIT server side: the client closed and no handler is running, but the server never closed its end: "+
		"a hijacked connection (http.Hijacker) or a raw net.Conn from net.Listen never closed")
	assert.NotContains(t, msg, "a handler still running")
}

// A handler that ignores its request's context keeps the server's end in
// CLOSE_WAIT after the client gave up.
func TestVerifyNoneNamesAHandlerThatOutlivedItsClient(t *testing.T) {
	release := make(chan struct{})
	srv, port := startServer(t, func(http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handler
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	client := newFixedClient()
	//leaklab:allow bodyclose the request must fail, so there is no body
	_, err = client.Do(req)
	require.Error(t, err, "the client gives up")
	waitForState(t, netstat.Selector{Pid: int32(pid), LocalPort: port}, netstat.CloseWait, 1)
	rt := &recordingT{}
	sockcheck.VerifyNone(rt, sockcheck.LocalPort(port), sockcheck.Timeout(failFast))
	assert.Contains(t, rt.failure(t), "hint: 1 CLOSE_WAIT server side: the client closed but the server never closed its end, "+
		"and a handler is still running: a handler still running after the client left? stop on r.Context().Done()")
}

// A net.Conn dropped without Close stays open until a garbage collection
// runs its finalizer. The check pauses collection while it waits, so its
// own allocations cannot close the connection and hide the leak.
func TestVerifyNoneSeesADroppedConnTheCheckDoesNotCollect(t *testing.T) {
	p := openPairs(t, 1) // its accept loop has room for one more connection
	p.CloseClients()
	runtime.GC() // the next collection is a heap's growth away
	dialAndDrop(t, p.Listener.Addr().String())
	rt := &recordingT{}
	sockcheck.VerifyNone(rt, sockcheck.RemotePort(p.Port()), sockcheck.Timeout(failFast))
	assert.Contains(t, rt.failure(t), "sockcheck: 1 socket still open after 300ms: ESTABLISHED=1\n")

	runtime.GC() // the finalizer closes it
	assert.Eventually(t, func() bool {
		runtime.GC()
		return sockcheck.Find(sockcheck.RemotePort(p.Port()), sockcheck.Timeout(time.Millisecond)) == nil
	}, 10*time.Second, 10*time.Millisecond, "collected, the dropped conn is closed")
}

//go:noinline
func dialAndDrop(t *testing.T, addr string) {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_ = c // dropped without Close
}

// The check leaves garbage collection as it found it.
func TestTheCheckRestoresGarbageCollection(t *testing.T) {
	before := gcPercent()
	require.NoError(t, sockcheck.Find(sockcheck.Timeout(failFast), sockcheck.IgnoreCurrent()))
	assert.Equal(t, before, gcPercent())
}
