// Package doctor watches the TCP sockets of any running process, Go or
// not, and says which peer is leaking, how fast, the likely cause and the
// lesson that explains it.
//
// A watch takes one census (netstat.TakeWith, with Config.Engine) every Config.Interval for
// Config.Duration, groups the sockets by peer and TCP state (client side:
// the remote address and port; server side: the local port and the
// client's address), and fits each group's count over the window with a
// robust line (Theil–Sen: the median of the slopes between every pair of
// samples, so one burst or one drop does not tilt it) and a Mann–Kendall
// trend test, whose p-value says how sure a verdict is. The verdicts come
// from the kit's catalogue of kernel signatures:
//
//   - ESTABLISHED to one peer growing steadily: a Transport or a
//     connection per request, or response bodies never closed;
//   - CLOSE_WAIT growing: the peer closed and this process never closed
//     its end;
//   - server-side ESTABLISHED growing: a server that holds idle or
//     half-sent connections (no IdleTimeout, ReadHeaderTimeout);
//   - SYN_SENT held: dials that never complete and have no timeout;
//   - TIME_WAIT churn: a new connection per request, no reuse (reported,
//     not a leak);
//   - steady otherwise.
//
// TIME_WAIT sockets belong to no process. When a watch selects by pid
// only, the TIME_WAIT sockets of the namespace are read as well and those
// to a peer the process was seen talking to (or on one of its listening
// ports) are counted as its own: another process talking to the same peer
// from the same address would be counted too.
//
// For a Go process that serves net/http/pprof, Config.PprofURL adds the
// goroutine evidence over the same window: persistConn read and write
// loops (client connections held by Transports), server connections,
// goroutines blocked reading a body, requests waiting for a response.
package doctor
