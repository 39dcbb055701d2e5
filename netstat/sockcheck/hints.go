package sockcheck

import (
	"fmt"
	"net/netip"
	"runtime"
	"strings"

	"github.com/leaklab/leaklab/netstat"
)

// symptom is a pattern in the sockets a check found, which points to a
// cause.
type symptom string

const (
	idleToOneHost     symptom = "idle-to-one-host"
	clientStillOpen   symptom = "client-still-open"
	serverStillOpen   symptom = "server-still-open"
	clientCloseWait   symptom = "client-close-wait"
	serverCloseWait   symptom = "server-close-wait"
	handlerAfterLeft  symptom = "handler-after-client-left"
	connNeverClosed   symptom = "conn-never-closed"
	hijackedOpen      symptom = "hijacked-still-open"
	timeWaitPilesUp   symptom = "time-wait-piles-up"
	otherStateRemains symptom = "other-state-remains"
)

// hints maps each symptom to its likely cause and where to read about it.
var hints = map[symptom]string{
	idleToOneHost:     "idle keep-alive sockets to the same host: a Transport per request? see docs/01-new-client-per-request.md; or response bodies never closed (docs/02-body-not-closed.md)",
	clientStillOpen:   "a connection this process dialled is still open: a response body not closed (docs/02-body-not-closed.md), or a client whose idle connections are never released (call Transport.CloseIdleConnections when done)",
	serverStillOpen:   "the server still holds a connection: its client left it open, a handler has not returned, or a hijacked or raw connection is kept; close the client's connections before the check, give http.Server an IdleTimeout and ReadHeaderTimeout (docs/07-server-no-idle-timeout.md)",
	clientCloseWait:   "the peer closed but this process never closed its end: a response body not closed? see docs/02-body-not-closed.md; or a net.Conn never closed",
	serverCloseWait:   "the client closed but the server never closed its end: a handler still running after the client left (stop on r.Context().Done()), or a hijacked or raw connection never closed",
	handlerAfterLeft:  "the client closed but the server never closed its end, and a handler is still running: a handler still running after the client left? stop on r.Context().Done()",
	connNeverClosed:   "the client closed and no handler is running, but the server never closed its end: a hijacked connection (http.Hijacker) or a raw net.Conn from net.Listen never closed; close it when done with it",
	hijackedOpen:      "a connection a handler hijacked (http.Hijacker) is still open: net/http no longer manages it, so the handler must close the net.Conn that Hijack returned",
	timeWaitPilesUp:   "connections are not reused: body not drained (docs/03-body-not-drained.md), or MaxIdleConnsPerHost too small (docs/05-idle-pool-too-small.md)",
	otherStateRemains: "sockets in a closing state: the connection is being torn down; wait longer (sockcheck.Timeout) or count only ESTABLISHED and CLOSE_WAIT",
}

// symptomOrder is the order hints are printed in, the likeliest cause first.
var symptomOrder = []symptom{
	idleToOneHost, clientStillOpen, clientCloseWait, hijackedOpen, connNeverClosed,
	handlerAfterLeft, serverCloseWait, serverStillOpen, timeWaitPilesUp, otherStateRemains,
}

// facts are what a check knows beyond the sockets, to tell causes apart.
type facts struct {
	// hijacked reports whether a server-side socket is a connection a
	// handler hijacked; nil when the check does not know (only Track does).
	hijacked func(conn) bool
	// handlers is how many HTTP handlers are running in this process, -1
	// when unknown (the sockets are another process's).
	handlers int
}

// unknown is what a check knows when it knows nothing more.
var unknown = facts{handlers: -1}

// diagnose returns the symptoms the sockets show, each with its evidence,
// e.g. "3 ESTABLISHED to 127.0.0.1:8080".
func diagnose(open []netstat.Socket, f facts) map[symptom]string {
	found := map[symptom]string{}
	count := map[symptom]int{}
	for _, k := range open {
		s := symptomOf(k, f)
		count[s]++
		found[s] = fmt.Sprintf("%d %s %s", count[s], k.State, sideName(k.Side))
	}
	if host, n := busiestHost(open); n > 1 {
		found[idleToOneHost] = fmt.Sprintf("%d ESTABLISHED to %s", n, host)
		delete(found, clientStillOpen)
	}
	if found[idleToOneHost] != "" || found[clientStillOpen] != "" {
		delete(found, serverStillOpen) // the server's end of the client's leak
	}
	return found
}

// busiestHost is the remote address with the most client-side ESTABLISHED
// sockets, the lowest address on a tie.
func busiestHost(open []netstat.Socket) (netip.AddrPort, int) {
	perHost := map[netip.AddrPort]int{}
	var best netip.AddrPort
	for _, k := range open {
		if symptomOf(k, unknown) != clientStillOpen {
			continue
		}
		perHost[k.Remote]++
		n, m := perHost[k.Remote], perHost[best]
		if n > m || n == m && k.Remote.Compare(best) < 0 {
			best = k.Remote
		}
	}
	return best, perHost[best]
}

func symptomOf(k netstat.Socket, f facts) symptom {
	server := k.Side == netstat.SideServer
	switch {
	case server && f.hijacked != nil && f.hijacked(connOf(k)) && (k.State == netstat.Established || k.State == netstat.CloseWait):
		return hijackedOpen
	case k.State == netstat.Established && server:
		return serverStillOpen
	case k.State == netstat.Established:
		return clientStillOpen
	case k.State == netstat.CloseWait && server && f.handlers == 0:
		return connNeverClosed
	case k.State == netstat.CloseWait && server && f.handlers > 0:
		return handlerAfterLeft
	case k.State == netstat.CloseWait && server:
		return serverCloseWait
	case k.State == netstat.CloseWait:
		return clientCloseWait
	case k.State == netstat.TimeWait:
		return timeWaitPilesUp
	}
	return otherStateRemains
}

func sideName(s netstat.Side) string {
	if s == netstat.SideServer {
		return "server side"
	}
	return "client side"
}

// handlersRunning counts the goroutines of this process that are running
// an HTTP handler, HTTP/1 or HTTP/2, from a dump of every goroutine's
// stack. It runs only when a check has failed with server-side CLOSE_WAIT
// sockets, to tell a handler that outlived its client from a connection
// nobody manages any more.
func handlersRunning() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	running := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "net/http.serverHandler.ServeHTTP(") || strings.Contains(g, "net/http.(*http2serverConn).runHandler(") {
			running++
		}
	}
	return running
}
