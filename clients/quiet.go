package clients

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"sync"
	"sync/atomic"
	"time"
)

// NewQuiet returns the client of server-no-idle-timeout, where the server
// is what differs: a peer that opens connections and goes quiet on them.
// Each request dials a new connection. Every other one sends a whole
// "GET /ping", reads the answer and then sends nothing more (an idle
// keep-alive peer); the others send the request line and one header and
// never finish the headers (a stalled or slowloris sender).
//
// It never closes a connection first: it reads each one until the server
// closes it, then closes its end, so only the server's timeouts
// (IdleTimeout, ReadHeaderTimeout) free them. Close closes what is left.
// variant names the server it plays against, Faulty or Fixed.
func NewQuiet(variant string) Requester {
	return &quiet{name: variant, held: map[net.Conn]struct{}{}}
}

type quiet struct {
	name  string
	conns connCounter
	sent  atomic.Int64
	wg    sync.WaitGroup

	mu     sync.Mutex
	held   map[net.Conn]struct{}
	closed bool
}

// errQuietClosed fails the requests sent after Close.
var errQuietClosed = errors.New("quiet client closed")

func (q *quiet) Name() string   { return q.name }
func (q *quiet) OpenConns() int { return q.conns.count() }

func (q *quiet) Do(ctx context.Context, url string) Outcome {
	o := Outcome{}
	host, err := hostOf(url)
	if err != nil {
		o.Err = err
		return o
	}
	conn, err := q.conns.dial(ctx, "tcp", host)
	if err != nil {
		o.Err = err
		return o
	}
	o.Dialled = true
	if !q.hold(conn) {
		_ = conn.Close()
		o.Err = errQuietClosed
		return o
	}
	br := bufio.NewReader(conn)
	if q.sent.Add(1)%2 == 1 {
		o.Status, o.Err = ping(ctx, conn, br, host)
	} else {
		_, o.Err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: "+host+"\r\n") // no blank line: headers never end
	}
	if o.Err != nil {
		q.release(conn)
		q.wg.Done()
		return o
	}
	go q.waitForServer(conn, br)
	return o
}

func hostOf(url string) (string, error) {
	u, err := neturl.Parse(url)
	if err != nil {
		return "", fmt.Errorf("target %q: %w; give an http://host:port/ URL", url, err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("target %q has no host; give an http://host:port/ URL", url)
	}
	return u.Host, nil
}

// ping sends a whole GET /ping on conn and reads its answer.
func ping(ctx context.Context, conn net.Conn, br *bufio.Reader, host string) (int, error) {
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := io.WriteString(conn, "GET /ping HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, drainAndClose(resp.Body)
}

// waitForServer reads conn until the server closes it (or Close does),
// then closes this end and leaves the wait group hold joined.
func (q *quiet) waitForServer(conn net.Conn, br *bufio.Reader) {
	defer q.wg.Done()
	_, _ = io.Copy(io.Discard, br)
	q.release(conn)
}

// hold keeps conn until the server or Close closes it, and counts it in
// the wait group Close waits on; false once the client is closed.
func (q *quiet) hold(conn net.Conn) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	q.held[conn] = struct{}{}
	q.wg.Add(1)
	return true
}

func (q *quiet) release(conn net.Conn) {
	q.mu.Lock()
	delete(q.held, conn)
	q.mu.Unlock()
	_ = conn.Close()
}

// Close closes every connection still held and waits for their readers.
func (q *quiet) Close() {
	q.mu.Lock()
	q.closed = true
	held := q.held
	q.held = map[net.Conn]struct{}{}
	q.mu.Unlock()
	for c := range held {
		_ = c.Close()
	}
	q.wg.Wait()
}
