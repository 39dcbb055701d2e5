package sockcheck_test

import (
	"net/http/httptest"
	"testing"

	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const closedFirst = "nothing listens on port %d: the server this check selects was closed before the check ran"

// A check that can see nothing fails: the goleak habit of a check in
// t.Cleanup, with defer srv.Close(), closes the server and its
// connections first, and the leaking client would pass.
func TestVerifyNoneFailsWhenTheServerClosedFirst(t *testing.T) {
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	ft := &fakeTB{}
	var port int
	func() {
		srv := httptest.NewServer(nil)
		port = sockcheck.PortOf(srv)
		defer srv.Close()
		ft.Cleanup(func() { sockcheck.VerifyNone(ft, sockcheck.RemotePort(port), sockcheck.Timeout(failFast)) })
		leak.get(t, srv.URL)
	}()
	ft.cleanup()
	msg := ft.failure(t)
	assert.Contains(t, msg, "sockcheck: "+sprintf(closedFirst, port))
	assert.Contains(t, msg, "\nfix: run the check before the server closes. Deferred calls run last-in, first-out, and all of them before any t.Cleanup")
	assert.Contains(t, msg, "a defer srv.Close() always runs before a check in t.Cleanup")
	assert.Contains(t, msg, "Simplest: srv := sockcheck.NewServer(t, handler)")
	assert.Contains(t, msg, "\nfix: if the server runs on another host, or was closed on purpose, add sockcheck.AllowClosedServer()")
}

func TestFindFailsOnEveryPortSelectionOfAClosedServer(t *testing.T) {
	srv := httptest.NewServer(nil)
	port := sockcheck.PortOf(srv)
	srv.Close()
	for name, opt := range map[string]sockcheck.Option{
		"RemotePort": sockcheck.RemotePort(port), "LocalPort": sockcheck.LocalPort(port), "Port": sockcheck.Port(port),
	} {
		err := sockcheck.Find(opt, sockcheck.Timeout(failFast))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), sprintf(closedFirst, port), name)
	}
	assert.NoError(t, sockcheck.Find(sockcheck.RemotePort(port), sockcheck.AllowClosedServer(), sockcheck.Timeout(failFast)),
		"closed on purpose")
	assert.NoError(t, sockcheck.Find(sockcheck.Timeout(failFast), sockcheck.IgnoreCurrent()), "no port, no listener to look for")
}

// A listener of another process counts: the check only fails when
// nothing in the network namespace listens on the port.
func TestFindAcceptsAListenerOfAnotherProcess(t *testing.T) {
	p := openPairs(t, 1)
	p.CloseClients()
	// Pid(1) is not this process: its census never holds our listener, so
	// the check looks in the whole table and finds it.
	assert.NoError(t, sockcheck.Find(sockcheck.Pid(1), sockcheck.RemotePort(p.Port()), sockcheck.Timeout(failFast)))
}

func TestSettlesToFailsWhenTheServerClosedFirst(t *testing.T) {
	srv := httptest.NewServer(nil)
	port := sockcheck.PortOf(srv)
	rt := &recordingT{}
	w := sockcheck.Watch(rt, sockcheck.RemotePort(port), sampleOften)
	defer w.Stop()
	srv.Close()
	assert.False(t, w.SettlesTo(0, failFast))
	assert.Contains(t, rt.failure(t), sprintf(closedFirst, port))
}
