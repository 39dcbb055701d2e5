// Package servertimeouts defines an Analyzer that reports an HTTP server
// without header and idle timeouts.
//
// # Analyzer servertimeouts
//
// servertimeouts: report an http.Server without ReadHeaderTimeout and IdleTimeout
//
// An http.Server with no ReadHeaderTimeout (nor ReadTimeout) waits
// forever for the headers of a request, and one with no IdleTimeout (nor
// ReadTimeout) keeps a keep-alive connection open forever between
// requests: clients that go quiet, or send their headers a byte at a time,
// hold the server's connections and file descriptors until it runs out.
// http.ListenAndServe, ListenAndServeTLS, Serve and ServeTLS use a Server
// with no timeout at all. The fix is a Server with both set. See
// docs/07-server-no-idle-timeout.md in github.com/leaklab/leaklab.
//
// The analyzer reports those four functions, and an http.Server literal
// that lacks either guard, unless the function sets the missing field
// after construction (srv.IdleTimeout = ...). A Server that leaves the
// function (stored in a field, passed on) counts the fields set anywhere
// in the package on any http.Server; one returned to the caller is not
// reported (the caller may set them). A field set to a variable counts as
// set: only a missing field, or a constant 0, is reported.
//
// Its suggested fixes, when the file imports time, add
// ReadHeaderTimeout: 10 * time.Second and IdleTimeout: 120 * time.Second
// to the literal, or rewrite http.ListenAndServe(addr, h) as
// (&http.Server{Addr: addr, Handler: h, ...}).ListenAndServe(). Test
// files are not checked: their servers live as long as one test.
//
// A deliberate one is allowed with a comment on its line or the line
// above:
//
//	//leaklab:allow servertimeouts <reason>
package servertimeouts
