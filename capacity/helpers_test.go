package capacity_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/require"
)

// testServer accepts connections on 127.0.0.1:0 and holds them; it can
// echo what it reads, stop answering one connection, or close them.
type testServer struct {
	ln    net.Listener
	echo  bool
	mu    sync.Mutex
	conns []*serverConn
	wg    sync.WaitGroup
}

type serverConn struct {
	net.Conn
	mute   atomic.Bool
	reads  atomic.Int64
	closed chan struct{} // closed once the tester's end has closed
}

func startServer(t *testing.T, echo bool) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &testServer{ln: ln, echo: echo}
	s.wg.Go(s.accept)
	t.Cleanup(s.close)
	return s
}

func (s *testServer) addr() string { return s.ln.Addr().String() }

func (s *testServer) port() uint16 { return uint16(s.ln.Addr().(*net.TCPAddr).Port) }

// isClosed says whether the tester's end of c has closed.
func isClosed(c *serverConn) bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (s *testServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		sc := &serverConn{Conn: c, closed: make(chan struct{})}
		s.mu.Lock()
		s.conns = append(s.conns, sc)
		s.mu.Unlock()
		s.wg.Go(func() { s.serve(sc) })
	}
}

func (s *testServer) serve(c *serverConn) {
	defer close(c.closed)
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		c.reads.Add(1)
		if s.echo && !c.mute.Load() {
			_, _ = c.Write(buf[:n])
		}
	}
}

func (s *testServer) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *testServer) conn(i int) *serverConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[i]
}

// waitAccepted waits until the server has accepted n connections: the
// tester counts one established as soon as the kernel has completed its
// handshake, before the server's Accept returns it.
func (s *testServer) waitAccepted(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("the server to accept %d connections", n), func() bool { return s.accepted() >= n })
}

// remotes are the tester's ends of every accepted connection.
func (s *testServer) remotes() []netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []netip.AddrPort
	for _, c := range s.conns {
		out = append(out, c.RemoteAddr().(*net.TCPAddr).AddrPort())
	}
	return out
}

func (s *testServer) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
}

func (s *testServer) close() {
	_ = s.ln.Close()
	s.closeConns()
	s.wg.Wait()
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// testConfig is a compressed-time run of n connections to addr that holds
// until the test cancels it.
func testConfig(addr string, n int) capacity.Config {
	cfg := capacity.DefaultConfig()
	cfg.Target = addr
	cfg.Connections = n
	cfg.Delay = 0
	cfg.Interval = 10 * time.Millisecond
	cfg.Timeout = 2 * time.Second
	cfg.Hold = time.Minute
	cfg.MaxDuration = 2 * time.Minute
	return cfg
}

// start runs a tester in the background; the returned func cancels the
// run and returns its result.
func start(t *testing.T, cfg capacity.Config) (*capacity.Tester, func() capacity.Result) {
	t.Helper()
	tr, err := capacity.New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan capacity.Result, 1)
	go func() { done <- tr.Run(ctx) }()
	stop := sync.OnceValue(func() capacity.Result {
		cancel()
		return <-done
	})
	t.Cleanup(func() { stop() })
	return tr, stop
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting for "+what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
