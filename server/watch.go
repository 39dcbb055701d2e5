package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// watchedConn is a connection handed to http.Server. It frees its slot
// under Config.MaxConns when closed, and counts a header timeout when a
// read hits its deadline while net/http waits for a request's headers.
//
// net/http arms ReadHeaderTimeout as the read deadline as soon as it
// takes a connection, so a peer that sends nothing is closed after it
// too, like one that trickles its headers; it closes both without an
// answer. Seen from the connection, net/http waits for headers in state
// New (no request yet), and in state Idle after its second read deadline:
// on a keep-alive connection it first sets IdleTimeout's and waits for a
// byte of the next request, then sets ReadHeaderTimeout's. While a
// request is Active, net/http ends its background read with a past
// deadline: that is no timeout.
type watchedConn struct {
	net.Conn
	l         *guardListener
	state     atomic.Int32 // http.ConnState, from the ConnState hook
	deadlines atomic.Int32 // read deadlines set since the state became Idle
	timedOut  atomic.Bool  // a header timeout was counted
	readErr   atomic.Value // readError: the first read error, deadlines aside
	closeOnce sync.Once
}

// readError boxes an error for atomic.Value, which wants one concrete type.
type readError struct{ err error }

// connKey is the context key under which ConnContext stores the
// connection of a request.
type connKey struct{}

// connContext is the http.Server.ConnContext hook: it makes the
// connection reachable from its requests.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// readErrorOf is the first read error of the request's connection, or
// nil.
func readErrorOf(r *http.Request) error {
	c, ok := r.Context().Value(connKey{}).(*watchedConn)
	if !ok {
		return nil
	}
	re, _ := c.readErr.Load().(readError)
	return re.err
}

// sentFIN reports whether the request's connection ended its reads with
// io.EOF: the client closed its sending side, and may still read.
func sentFIN(r *http.Request) bool { return errors.Is(readErrorOf(r), io.EOF) }

// readErrOf says the connection's read error for a log line.
func readErrOf(r *http.Request) string {
	if err := readErrorOf(r); err != nil {
		return err.Error()
	}
	return "no read error seen"
}

// Read reads from the connection and notes a header timeout.
func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrDeadlineExceeded):
		if c.awaitingHeaders() && !c.timedOut.Swap(true) {
			c.l.headerTimeouts.Add(1)
		}
	default:
		c.readErr.CompareAndSwap(nil, readError{err})
	}
	return n, err
}

// awaitingHeaders reports whether net/http is reading a request's headers.
func (c *watchedConn) awaitingHeaders() bool {
	switch http.ConnState(c.state.Load()) {
	case http.StateNew:
		return true
	case http.StateIdle:
		return c.deadlines.Load() >= 2
	}
	return false
}

// SetReadDeadline sets the read deadline and counts it.
func (c *watchedConn) SetReadDeadline(t time.Time) error {
	c.deadlines.Add(1)
	return c.Conn.SetReadDeadline(t)
}

// CloseWrite half-closes the connection, as net/http does before it
// closes one it answered with an error such as 431.
func (c *watchedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close closes the connection and frees its slot, once.
func (c *watchedConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.l.open.Add(-1) })
	return err
}

// setState records the connection's new state.
func (c *watchedConn) setState(st http.ConnState) {
	if st == http.StateIdle {
		c.deadlines.Store(0)
	}
	c.state.Store(int32(st))
}

// connState is the http.Server.ConnState hook: it tells a watched
// connection its state, then counts it.
func (s *Server) connState(c net.Conn, st http.ConnState) {
	if w, ok := c.(*watchedConn); ok {
		w.setState(st)
	}
	s.conns.hook(c, st)
}
