package capacity

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Causes of errors this package names, next to internal/neterr's.
const (
	causeProtocol       = "protocol"
	causeConnectTimeout = "connect timeout"
)

var errUnexpectedBytes = errors.New("the server sent bytes nobody asked for")

// readBufSize is the read buffer of a held connection: the tester only
// needs to notice bytes and the close, so it stays small.
const readBufSize = 64

// hold keeps one open connection until the peer closes it, an error or a
// missing pong ends it, or the run closes it.
func (t *Tester) hold(s *slot, c net.Conn) {
	defer t.holders.Done()
	var err error
	if t.cfg.Mode == ModeHTTP {
		err = t.holdHTTP(c)
	} else {
		err = t.holdTCP(c)
	}
	_ = c.Close()
	t.failed(s, err)
}

// holdTCP reads until the connection ends, ignoring what it reads; with
// Ping it writes the request every Ping and wants bytes back in Timeout.
func (t *Tester) holdTCP(c net.Conn) error {
	buf := make([]byte, readBufSize)
	if t.cfg.Ping <= 0 {
		for {
			if _, err := c.Read(buf); err != nil {
				return err
			}
		}
	}
	return t.pingLoop(c, buf, false, func() error {
		if err := t.send(c); err != nil {
			return err
		}
		if _, err := c.Read(buf); err != nil {
			return t.noAnswer("pong", err)
		}
		return nil
	})
}

// holdHTTP sends the request, reads the answer, then holds the idle
// keep-alive connection; with Ping it repeats the request every Ping.
func (t *Tester) holdHTTP(c net.Conn) error {
	exchange := func() error {
		if err := t.send(c); err != nil {
			return err
		}
		return t.readResponse(c)
	}
	if err := exchange(); err != nil {
		return err
	}
	buf := make([]byte, readBufSize)
	if t.cfg.Ping <= 0 {
		return waitQuiet(c, buf, time.Time{}, true)
	}
	return t.pingLoop(c, buf, true, exchange)
}

// pingLoop runs exchange every Ping, watching the connection between two.
func (t *Tester) pingLoop(c net.Conn, buf []byte, strict bool, exchange func() error) error {
	for {
		if err := waitQuiet(c, buf, time.Now().Add(t.cfg.Ping), strict); err != nil {
			return err
		}
		if err := exchange(); err != nil {
			return err
		}
	}
}

// waitQuiet reads until the deadline (zero: none) and returns nil then;
// it returns the error that ends the connection first. strict makes any
// byte an error: an idle HTTP connection has nothing to say.
func waitQuiet(c net.Conn, buf []byte, deadline time.Time, strict bool) error {
	if err := c.SetReadDeadline(deadline); err != nil {
		return err
	}
	for {
		n, err := c.Read(buf)
		if n > 0 && strict {
			return fmt.Errorf("idle connection: %w", errUnexpectedBytes)
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// send writes the request and sets the deadline of its answer: Timeout
// when pinging, none otherwise (a slow request may stay in flight).
func (t *Tester) send(c net.Conn) error {
	deadline := time.Time{}
	if t.cfg.Ping > 0 {
		deadline = time.Now().Add(t.cfg.Timeout)
	}
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	if _, err := c.Write(t.request); err != nil {
		return &exchangeError{"send request", err}
	}
	return nil
}

func (t *Tester) noAnswer(what string, err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return &exchangeError{fmt.Sprintf("no %s within %v", what, t.cfg.Timeout), err}
	}
	return &exchangeError{"waiting for the " + what, err}
}

// readers lends small read buffers to connections while they read an
// answer, so an idle connection holds none.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 512) }}

// readResponse reads one HTTP answer and wants a 200 with nothing after it.
func (t *Tester) readResponse(c net.Conn) error {
	br := readers.Get().(*bufio.Reader)
	br.Reset(c)
	defer func() { br.Reset(nil); readers.Put(br) }()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return t.noAnswer("answer", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	switch {
	case err != nil:
		return t.noAnswer("answer body", err)
	case resp.StatusCode != http.StatusOK:
		return &exchangeError{"answer", &statusError{resp.StatusCode}}
	case br.Buffered() > 0:
		return &exchangeError{"answer", errUnexpectedBytes}
	}
	return nil
}

// httpRequest is the request of ModeHTTP and of every ping.
func httpRequest(path, host string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: leaklab-conns\r\n\r\n")
}
