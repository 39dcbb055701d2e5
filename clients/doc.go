// Package clients holds the HTTP clients leaklab compares, and the load
// loop that drives them.
//
// A Requester sends one request the way a variant does. The faulty variant
// builds a new http.Client, and with it a new http.Transport, for every
// request: each request's connection ends up idle in a pool that nobody
// will use again, so the sockets pile up, one per finished request. The
// fixed variant shares one Client and one Transport (keep-alive on,
// MaxIdleConns 5, MaxIdleConnsPerHost 2, IdleConnTimeout, a Timeout longer
// than the server's delay), drains and closes every body and closes its
// idle connections when a request fails.
//
// Run sends one request every interval plus a random 0..Extra more, each in
// its own goroutine, until the duration ends, the context is cancelled,
// the requester holds MaxSockets sockets or StopAfterErrors requests have
// failed, then waits for the requests in flight. It counts requests,
// successes, errors by cause (refused, reset, closed by peer, too many
// open files, out of ephemeral ports: see internal/neterr), new dials and
// reused connections (httptrace GotConnInfo.Reused). A server that dies
// mid-run makes errors, not a failed run.
//
// The package knows nothing of the server it calls.
package clients
