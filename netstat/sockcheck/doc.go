// Package sockcheck fails a test that leaves TCP sockets open, the way
// go.uber.org/goleak fails a test that leaves goroutines running.
//
// Check the client side of every connection to the test's server when the
// test returns, after the client has released what it holds:
//
//	srv := httptest.NewServer(handler)
//	defer srv.Close() // deferred first, so it runs after the check
//	defer sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv.Listener.Addr())))
//
// A socket is left open when, at the end, it is ESTABLISHED or CLOSE_WAIT
// and matches the selection: by default every socket of this process, narrowed
// with Port, LocalPort, RemotePort, Addr and States. Closing is asynchronous,
// so a check samples the kernel's socket table (through package netstat) again
// and again, with capped exponential backoff, until nothing is left or Timeout
// passes; then it lists what is left, with the peak and a hint at the cause.
//
// VerifyNone checks now. Its arguments, like those of any deferred call, are
// evaluated at the defer statement, so IgnoreCurrent there takes the baseline
// at the start of the test:
//
//	defer sockcheck.VerifyNone(t, sockcheck.IgnoreCurrent())
//
// Inside a deferred closure it would run at the end and ignore the leak.
//
// Watch samples in the background while the test runs, then asserts the peak
// (PeakAtMost) and how the count settles (SettlesTo). VerifyTestMain checks a
// whole package after its tests pass.
//
// Run the check before the server closes: httptest.Server.Close closes the
// server's ends of idle connections, after which the client's ends close too
// and a leak hides. With defer, defer the check after srv.Close; with
// t.Cleanup, register srv.Close first.
package sockcheck
