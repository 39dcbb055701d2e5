// Package server is leaklab's slow keep-alive HTTP server: "/" waits a
// delay (20 s by default) before it answers 200 with Connection:
// keep-alive, so a client that does not reuse its connections piles them
// up where anyone can see them.
//
// The server shows both views of its connections side by side: the
// program's, from http.Server.ConnState (new, active, idle, closed) and its
// own in-flight handler count, and the kernel's, from a census of the
// sockets on its listening port by TCP state (package netstat). It notices
// a client that leaves before the answer (it resets the connection, or the
// answer cannot be written), logs who left after how long and counts it. A
// client that only shuts down its sending side still reads, and gets its
// answer after the delay.
//
// It also stands up to clients that misbehave: connections whose headers
// do not arrive within ReadHeaderTimeout (slowloris, silent connections)
// are closed and counted, a request head past HeaderCutoff (MaxHeaderBytes
// plus net/http's HeaderSlack) gets 431, and past
// MaxConns open connections new ones get a 503 that says why; every one
// of these shows in the report line, /stats and /metrics.
//
// The package knows nothing of the clients that call it.
package server
