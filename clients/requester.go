package clients

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// Variants of the new-client-per-request scenario.
const (
	Faulty = "faulty"
	Fixed  = "fixed"
)

// A Requester sends requests the way one client variant does.
type Requester interface {
	// Name is the variant's name, e.g. "faulty".
	Name() string
	// Do sends one GET to url and reads the answer.
	Do(ctx context.Context, url string) Outcome
	// OpenConns is the number of sockets the requester has dialled and
	// not yet closed: the program's view of what it holds.
	OpenConns() int
	// Close releases every connection the requester still holds.
	Close()
}

// Outcome is what one request did.
type Outcome struct {
	// Dialled is true when the request opened a new connection.
	Dialled bool
	// Reused is true when the request went over a pooled connection.
	Reused bool
	// Status is the HTTP status code, 0 when no answer came.
	Status int
	// Err is the failure, if any.
	Err error
}

// connCounter dials TCP connections and counts the ones not yet closed.
type connCounter struct {
	dialer net.Dialer
	open   atomic.Int64
}

func (c *connCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c.open.Add(1)
	return &countedConn{Conn: conn, counter: c}, nil
}

func (c *connCounter) count() int { return int(c.open.Load()) }

type countedConn struct {
	net.Conn
	counter *connCounter
	closed  atomic.Bool
}

func (c *countedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.counter.open.Add(-1)
	}
	return c.Conn.Close()
}

// get sends a GET with a trace that records whether it got a new or a
// reused connection, and returns the response for the caller to read. The
// outcome has Dialled and Reused set; the caller fills in the rest.
func get(ctx context.Context, c *http.Client, url string) (*http.Response, Outcome, error) {
	var o Outcome
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		o.Reused = i.Reused
		o.Dialled = !i.Reused
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, url, nil)
	if err != nil {
		return nil, o, err
	}
	resp, err := c.Do(req)
	if resp != nil {
		o.Status = resp.StatusCode
	}
	return resp, o, err
}

// MaxDrain bounds how much of a body a client reads before closing it, so
// a huge answer cannot hold the client.
const MaxDrain = 256 << 10

// drainAndClose reads the rest of a body, at most MaxDrain bytes, and
// closes it, so the connection can go back to the pool.
func drainAndClose(body io.ReadCloser) error {
	_, err := io.CopyN(io.Discard, body, MaxDrain)
	if err == io.EOF {
		err = nil
	}
	if cerr := body.Close(); err == nil {
		err = cerr
	}
	return err
}

// DefaultIdleConnTimeout is how long the fixed client keeps an idle
// connection in its pool.
const DefaultIdleConnTimeout = 30 * time.Second
