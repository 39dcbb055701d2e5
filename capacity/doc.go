// Package capacity measures how many concurrent TCP connections a server
// holds and what each one costs: it opens connections at a paced rate,
// keeps them open, optionally pings them, and reports how many were
// dialling, established, closed or failed, how long connecting took and why
// connections failed.
//
// A Tester opens Config.Connections connections to Config.Target, one every
// Config.Delay (or at Config.Rate per second), through at most
// Config.DialConcurrency dials in flight. In ModeTCP the connections are
// plain TCP, and on Linux one goroutine watches all of them through an
// epoll set for the close of the peer, so a held connection costs little
// more than its net.Conn (about 1.5 KB). In ModeHTTP each connection
// sends its own keep-alive "GET /ping" and stays open as an idle HTTP/1.1
// connection; it, and every connection that pings, is held by a goroutine
// of its own with a small stack (about 4 KB a connection with pings in
// ModeTCP, 6 KB in ModeHTTP).
//
// Three modes of a run:
//
//   - the default opens the connections, holds them for Config.Hold, closes
//     them all and reports;
//   - Config.Reopen redials every connection that closes or fails, so the
//     target count stays open for the whole hold;
//   - Config.Auto keeps opening at the rate until failures persist (Config.
//     FailAfter failures without a new peak), a cap, or Config.MaxDuration,
//     then reports the highest concurrency reached and why it stopped.
//
// A connection is identified by its 4-tuple (source address, source port,
// target address, target port), so one source address reaches one target
// through at most the ephemeral port range (32768-60999: 28,232 ports).
// Config.Sources spreads the connections over several local addresses; on
// Linux all of 127.0.0.0/8 is loopback. RunWorkers spreads one run over
// several processes, each with its own open-files limit, and aggregates
// their results.
//
// Traffic goes to loopback addresses only unless Config.AllowRemote is set.
// Every run is bounded by Config.MaxDuration and ends by itself; when it
// ends, every connection is closed.
package capacity
