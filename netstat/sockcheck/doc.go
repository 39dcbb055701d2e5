// Package sockcheck fails a test that leaves TCP sockets open, the way
// go.uber.org/goleak fails a test that leaves goroutines running.
//
// Start the test's server with NewServer:
//
//	srv := sockcheck.NewServer(t, handler)
//
// When the server starts to close, whether the test closes it (defer
// srv.Close() or t.Cleanup(srv.Close)) or NewServer's own cleanup does,
// the check runs first: every connection to the server must have been
// released by then. Track does the same for a server made with
// httptest.NewUnstartedServer, configured (TLS, HTTP/2), and started
// after Track.
//
// A socket is left open when it is ESTABLISHED or CLOSE_WAIT and matches
// the selection: for NewServer and Track, the client's ends of the
// connections to the server and the server's ends of hijacked ones; for
// VerifyNone, Find and Watch, every socket of this process unless narrowed
// with Port, LocalPort, RemotePort, Addr and States. Closing is
// asynchronous, so a check samples the kernel's socket table (through
// package netstat) again and again, with capped exponential backoff, until
// nothing is left or Timeout passes; then it lists what is left, with
// each socket's side and age, the peak and a hint at the cause.
//
// Options take what a test has in hand: ports and pids as any integer
// type (an int from net.TCPAddr.Port or os.Getpid), addresses as net.IP,
// netip.Addr or strings, and PortOf finds the port of an
// *httptest.Server, a URL, a net.Listener or a net.Addr:
//
//	defer srv.Close() // deferred first, so it runs after the check
//	defer sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv)))
//
// Run a check before the server closes: httptest.Server.Close closes the
// server's ends of idle connections, after which the client's ends close
// too and a leak hides. Deferred calls run last-in, first-out, and all of
// them before any t.Cleanup, so a check in t.Cleanup always runs after a
// defer srv.Close(). A check whose port nothing listens on therefore
// fails, saying so; AllowClosedServer lets it pass when the server is
// closed on purpose or on another host.
//
// VerifyNone checks now. Its arguments, like those of any deferred call,
// are evaluated at the defer statement, so IgnoreCurrent there takes the
// baseline at the start of the test:
//
//	defer sockcheck.VerifyNone(t, sockcheck.IgnoreCurrent())
//
// Such a selection covers the whole process, which tests running in
// parallel share: select the test's own server instead where you can.
//
// Watch samples in the background while the test runs, then asserts the
// peak (PeakAtMost) and how the count settles (SettlesTo). Find is the
// check without a test, returning an error. VerifyTestMain checks a whole
// package after its tests pass; it cannot see leaks to servers the tests
// closed.
//
// A net.Conn dropped without Close stays open until a garbage collection
// runs its finalizer. A check pauses collection while it waits, so that
// its own allocations do not hide such a leak; a collection during the
// test can still close the connection before the check runs, and
// GOGC=off makes sure it cannot.
package sockcheck
