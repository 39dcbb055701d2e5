package server

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leaklab/leaklab/internal/oslimits"
)

// Defaults of the guards against hostile peers.
const (
	// DefaultMaxHeaderBytes caps a request's headers; net/http's own
	// default is 1 MiB.
	DefaultMaxHeaderBytes = 64 << 10
	// reservedFiles are the file descriptors DefaultMaxConns leaves to
	// everything but connections: the listener, the census's reads of
	// /proc, logs, and refused connections that linger.
	reservedFiles = 128
	// refuseLinger bounds each step of a refusal: reading the request's
	// headers, writing the 503, and reading what the client sends after
	// it, so that the client reads the answer before the close (net/http's
	// closeWriteAndWait waits the same).
	refuseLinger = 500 * time.Millisecond
	// maxLingering caps the refusals under way at once; past it, a refused
	// connection gets its 503 and is closed at once.
	maxLingering = 32
	// lingerReadLimit caps what each read step of a refusal reads.
	lingerReadLimit = 64 << 10
)

// DefaultMaxConns is the default cap on open connections: the process's
// open-files limit less 128 descriptors for everything else, so that the
// server refuses new connections with a clear 503 before accept fails
// with "too many open files" and leaves them waiting in the kernel's
// queue. It is 0 (no cap) when the limit cannot be read or is unlimited.
func DefaultMaxConns() int {
	l, err := oslimits.OpenFiles()
	n := l.Soft
	switch {
	case err != nil || n == 0 || n > math.MaxInt32:
		return 0
	case n <= 2*reservedFiles:
		return int(n / 2)
	}
	return int(n - reservedFiles)
}

// guardListener hands accepted connections to http.Server while fewer
// than max are open, and answers the others with a short 503 and closes
// them. It wraps every connection it hands out (watchedConn) to count
// the open ones and the header timeouts.
type guardListener struct {
	net.Listener
	max     int            // 0: no cap
	refusal string         // the whole 503 answer
	onFull  func(open int) // called when a refusal starts a run of them

	open           atomic.Int64
	refused        atomic.Int64
	headerTimeouts atomic.Int64
	full           atomic.Bool // the last connection was refused

	lingering chan struct{} // one token per refused connection lingering
	wg        sync.WaitGroup
}

func newGuard(maxConns int, onFull func(open int)) *guardListener {
	body := fmt.Sprintf("503 Service Unavailable: the server holds its limit of %d open connections (-max-conns); retry when one closes\n", maxConns)
	return &guardListener{
		max:       maxConns,
		refusal:   "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nRetry-After: 1\r\n" + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body,
		onFull:    onFull,
		lingering: make(chan struct{}, maxLingering),
	}
}

// Accept returns the next connection within the cap, refusing the ones
// past it on the way.
func (l *guardListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.max > 0 && l.open.Load() >= int64(l.max) {
			l.refuse(c)
			continue
		}
		l.full.Store(false)
		l.open.Add(1)
		return &watchedConn{Conn: c, l: l}, nil
	}
}

// refuse answers c with the 503 and closes it: in its own goroutine
// after reading the request, when fewer than maxLingering refusals are
// under way; at once otherwise.
func (l *guardListener) refuse(c net.Conn) {
	l.refused.Add(1)
	if !l.full.Swap(true) && l.onFull != nil {
		l.onFull(int(l.open.Load()))
	}
	select {
	case l.lingering <- struct{}{}:
		l.wg.Add(1)
		go l.answer(c)
	default:
		// A new socket's send buffer is empty: this write does not wait.
		_ = c.SetWriteDeadline(time.Now().Add(refuseLinger))
		_, _ = io.WriteString(c, l.refusal)
		_ = c.Close()
	}
}

// answer reads the request's headers, answers the 503, half-closes, reads
// what else the client sends, then closes; each step bounded by
// refuseLinger. An HTTP client takes an answer that comes before its
// request is sent for a stray one and fails; and closing with unread
// data would reset the connection and could destroy the 503 before the
// client reads it.
func (l *guardListener) answer(c net.Conn) {
	defer l.wg.Done()
	defer func() { <-l.lingering }()
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(refuseLinger))
	_, _ = http.ReadRequest(bufio.NewReader(io.LimitReader(c, lingerReadLimit)))
	_ = c.SetWriteDeadline(time.Now().Add(refuseLinger))
	if _, err := io.WriteString(c, l.refusal); err != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(refuseLinger))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, lingerReadLimit))
}

// wait waits for the refused connections still lingering.
func (l *guardListener) wait() { l.wg.Wait() }

// logFull says, once per run of refusals, that the server is full.
func (s *Server) logFull(open int) {
	s.log.Printf("full: %d connections open, the -max-conns limit is %d; new connections get 503 until one closes", open, s.cfg.MaxConns)
}

// guardLine is the guards' part of Line, " refused=3 header-timeouts=2",
// each figure only when it is not zero.
func (st Stats) guardLine() string {
	var b strings.Builder
	if st.Refused > 0 {
		fmt.Fprintf(&b, " refused=%d", st.Refused)
	}
	if st.HeaderTimeouts > 0 {
		fmt.Fprintf(&b, " header-timeouts=%d", st.HeaderTimeouts)
	}
	return b.String()
}

// guardSummary is the guards' part of Run's summary, each sentence only
// when its count is not zero.
func (st Stats) guardSummary(headerTimeout time.Duration) string {
	var b strings.Builder
	if st.Refused > 0 {
		fmt.Fprintf(&b, "; refused %s with 503 at the -max-conns limit of %d", connections(st.Refused), st.MaxConns)
	}
	if st.HeaderTimeouts > 0 {
		fmt.Fprintf(&b, "; closed %s whose request headers did not arrive within the -read-header-timeout of %v", connections(st.HeaderTimeouts), headerTimeout)
	}
	return b.String()
}

// connections says "1 connection" or "n connections".
func connections(n int64) string {
	if n == 1 {
		return "1 connection"
	}
	return fmt.Sprintf("%d connections", n)
}

func intOrNone(n int) any {
	if n <= 0 {
		return "none"
	}
	return n
}

// headerLimit is the header size net/http enforces for MaxHeaderBytes n.
func headerLimit(n int) int {
	if n <= 0 {
		return http.DefaultMaxHeaderBytes
	}
	return n
}
