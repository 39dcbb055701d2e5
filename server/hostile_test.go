package server_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headerTimeout is the compressed ReadHeaderTimeout of these tests (the
// default is 10 s).
const headerTimeout = 200 * time.Millisecond

// dial opens a raw connection to the server, closed at the end of the
// test.
func dial(t *testing.T, s *server.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// readAll reads c until the server closes it, for at most 10 s; a
// connection closed without an answer reads "".
func readAll(t *testing.T, c net.Conn) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	b, err := io.ReadAll(c)
	require.NoError(t, err, "the server closes the connection (EOF) within 10 s")
	return string(b)
}

// hold sends a request for an answer a minute away on its own
// connection, which the server then holds open.
func hold(t *testing.T, s *server.Server) net.Conn {
	t.Helper()
	c := dial(t, s)
	_, err := io.WriteString(c, "GET /?delay=1m HTTP/1.1\r\nHost: leaklab\r\n\r\n")
	require.NoError(t, err)
	return c
}

// slowloris dials the server again and again and trickles a request's
// headers one byte every 10 ms, never finishing them, until ctx is done.
// It counts the connections the server cut.
func slowloris(ctx context.Context, addr string, cuts *atomic.Int64) {
	var d net.Dialer
	for ctx.Err() == nil {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			continue // ctx done, or a refused dial on a busy machine: try again
		}
		if trickle(ctx, c) {
			cuts.Add(1)
		}
		c.Close()
	}
}

// trickle writes one byte at a time and reports whether the server
// closed the connection before ctx was done.
func trickle(ctx context.Context, c net.Conn) bool {
	const start = "GET / HTTP/1.1\r\nHost: leaklab\r\nX-Slow: "
	one := make([]byte, 1)
	for i := 0; ctx.Err() == nil; i++ {
		b := byte('a')
		if i < len(start) {
			b = start[i]
		}
		if _, err := c.Write([]byte{b}); err != nil {
			return true
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := c.Read(one); !errors.Is(err, os.ErrDeadlineExceeded) {
			return true // EOF or reset: the server closed it
		}
	}
	return false
}

// TestSlowlorisIsCutWhileOthersAreServed trickles headers on three
// connections, over and over, while a well-behaved client sends
// requests: the server cuts every trickler after ReadHeaderTimeout and
// answers the good client meanwhile.
func TestSlowlorisIsCutWhileOthersAreServed(t *testing.T) {
	s := start(t, func(c *server.Config) { c.ReadHeaderTimeout = headerTimeout })
	const attackers = 3
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	cuts := make([]atomic.Int64, attackers)
	for i := range attackers {
		wg.Add(1)
		go func() { defer wg.Done(); slowloris(ctx, s.Addr().String(), &cuts[i]) }()
	}
	waitStats(t, s, func(st server.Stats) bool { return st.Conns.New >= attackers })

	c, _ := client(t)
	for range 5 {
		resp, body := get(t, c, s.URL()+"?delay=0s")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "a well-behaved client is served during the attack")
		assert.Equal(t, "answered after 0s\n", body)
	}
	st := waitStats(t, s, func(st server.Stats) bool { return st.HeaderTimeouts >= attackers })
	require.Eventually(t, func() bool {
		for i := range cuts {
			if cuts[i].Load() == 0 {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "the server cuts every trickler")
	assert.Equal(t, int64(5), st.Served)
	assert.Contains(t, st.Line(), "header-timeouts=")
}

// TestHeaderTimeoutCases checks what ReadHeaderTimeout closes and what
// Stats.HeaderTimeouts counts: a connection that sends nothing (net/http
// arms the timeout as soon as it takes a connection), a keep-alive
// connection that trickles its second request, but not a keep-alive
// connection that stays quiet, which IdleTimeout closes.
func TestHeaderTimeoutCases(t *testing.T) {
	cases := []struct {
		name    string
		idle    time.Duration
		send    string // before waiting for the close
		counted int64
	}{
		{"silent connection", time.Minute, "", 1},
		{"trickled second request", time.Minute, "GET /?delay=0s HTTP/1.1\r\nHost: leaklab\r\n\r\nGET / HTTP/1.1\r\nHo", 1},
		{"quiet keep-alive", headerTimeout, "GET /?delay=0s HTTP/1.1\r\nHost: leaklab\r\n\r\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, func(c *server.Config) { c.ReadHeaderTimeout, c.IdleTimeout = headerTimeout, tc.idle })
			conns := []net.Conn{dial(t, s), dial(t, s)}
			for _, c := range conns {
				_, err := io.WriteString(c, tc.send)
				require.NoError(t, err)
			}
			for _, c := range conns {
				got := readAll(t, c)
				assert.NotContains(t, got, "HTTP/1.1 408", "net/http closes without an answer")
			}
			st := waitStats(t, s, func(st server.Stats) bool { return st.Conns.Open == 0 && st.Conns.Closed == 2 })
			assert.Equal(t, 2*tc.counted, st.HeaderTimeouts)
			assert.Zero(t, st.Kernel[netstat.Established], "the kernel agrees: no connection left")
		})
	}
}

// TestSilentConnectionsBothViews holds connections that send nothing and
// sees them in both views, New in ConnState and ESTABLISHED in the
// census, until ReadHeaderTimeout closes them all.
func TestSilentConnectionsBothViews(t *testing.T) {
	s := start(t, func(c *server.Config) { c.ReadHeaderTimeout = time.Second })
	const n = 4
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dial(t, s)
	}
	waitStats(t, s, func(st server.Stats) bool { return st.Conns.New == n && st.Kernel[netstat.Established] == n })
	for _, c := range conns {
		assert.Empty(t, readAll(t, c), "closed without an answer")
	}
	st := waitStats(t, s, func(st server.Stats) bool { return st.Conns.Open == 0 && st.Kernel[netstat.Established] == 0 })
	assert.Equal(t, int64(n), st.HeaderTimeouts)
	assert.Equal(t, int64(n), st.Conns.Accepted)
	assert.Contains(t, st.Line(), "header-timeouts=4")
}

// TestOversizedHeadersGet431 sends headers past MaxHeaderBytes, then
// below it: the first gets 431, the server keeps going.
func TestOversizedHeadersGet431(t *testing.T) {
	s := start(t, nil)
	require.Equal(t, server.DefaultMaxHeaderBytes, server.DefaultConfig().MaxHeaderBytes)
	cases := []struct {
		size   int
		status int
	}{
		{2 * server.DefaultMaxHeaderBytes, http.StatusRequestHeaderFieldsTooLarge},
		{server.DefaultMaxHeaderBytes / 2, http.StatusOK},
		{2 * server.DefaultMaxHeaderBytes, http.StatusRequestHeaderFieldsTooLarge},
		{0, http.StatusOK},
	}
	for _, tc := range cases {
		c, _ := client(t)
		req, err := http.NewRequest(http.MethodGet, s.URL()+"ping", nil)
		require.NoError(t, err)
		req.Header.Set("X-Big", strings.Repeat("a", tc.size))
		resp, err := c.Do(req)
		require.NoError(t, err, "header of %d bytes", tc.size)
		drain(resp, err)
		assert.Equal(t, tc.status, resp.StatusCode, "header of %d bytes", tc.size)
	}
}

// TestMaxConnsRefusesPastTheLimit fills a server capped at five
// connections: the sixth gets a 503 that says why, every view counts the
// refusal, and once a slot frees a request succeeds again.
func TestMaxConnsRefusesPastTheLimit(t *testing.T) {
	var log syncBuffer
	s := start(t, func(c *server.Config) { c.MaxConns, c.Metrics, c.Log = 5, true, &log })
	held := make([]net.Conn, 5)
	for i := range held {
		held[i] = hold(t, s)
	}
	waitStats(t, s, func(st server.Stats) bool { return st.InFlight == 5 })

	c, _ := client(t)
	resp, body := get(t, c, s.URL()+"ping")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	assert.Contains(t, body, "limit of 5 open connections (-max-conns)")
	st := s.Stats(context.Background())
	assert.Equal(t, int64(1), st.Refused)
	assert.Equal(t, 5, st.Conns.Open, "a refused connection never reaches http.Server")
	assert.Contains(t, st.Line(), "refused=1")
	assert.Contains(t, log.String(), "full: 5 connections open, the -max-conns limit is 5")

	reset(t, held[0]) // a FIN alone would hold the slot until the answer: a half-closed client still reads
	require.Eventually(t, func() bool {
		resp, err := c.Get(s.URL() + "ping")
		drain(resp, err)
		return err == nil && resp.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond, "a request succeeds once a slot frees")

	st = scrapeStats(t, c, s) // on the keep-alive connection of the last ping
	assert.Equal(t, 5, st.MaxConns)
	assert.GreaterOrEqual(t, st.Refused, int64(1))
	fams := scrapeMetrics(t, c, s)
	assert.Equal(t, float64(st.Refused), value(t, fams, "leaklab_server_connections_refused_total", ""))
	assert.Equal(t, 0.0, value(t, fams, "leaklab_server_header_timeouts_total", ""))
}

// TestRefusedRawConnectionReadsTheWhole503 checks the refusal byte for
// byte on a raw connection that sends its request after the answer.
func TestRefusedRawConnectionReadsTheWhole503(t *testing.T) {
	s := start(t, func(c *server.Config) { c.MaxConns = 1 })
	hold(t, s)
	waitStats(t, s, func(st server.Stats) bool { return st.InFlight == 1 })
	c := hold(t, s)
	got := readAll(t, c)
	assert.True(t, strings.HasPrefix(got, "HTTP/1.1 503 Service Unavailable\r\n"), got)
	assert.Contains(t, got, "\r\nConnection: close\r\n")
	assert.True(t, strings.HasSuffix(got, "retry when one closes\n"), got)
}

// TestRunReportsGuards runs a server capped at one connection: the report
// line and the final summary mention the refusal and the header timeout.
func TestRunReportsGuards(t *testing.T) {
	var log syncBuffer
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.ReportEvery, cfg.ShutdownGrace, cfg.Log = "127.0.0.1:0", 50*time.Millisecond, time.Second, &log
	cfg.MaxConns, cfg.ReadHeaderTimeout = 1, 300*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg) }()
	stop := sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() { _ = stop() })
	addr := waitLog(t, &log, func(l string) bool { return strings.Contains(l, "listening on") })
	addr = strings.TrimSuffix(strings.Fields(strings.SplitAfter(addr, "listening on http://")[1])[0], "/")

	a := rawDial(t, addr, "GET /?delay=1m HTTP/1.1\r\nHost: leaklab\r\n\r\n")
	waitLog(t, &log, func(l string) bool { return strings.Contains(l, "in-flight=1") })
	assert.Contains(t, rawRead(t, rawDial(t, addr, "")), "503 Service Unavailable")
	waitLog(t, &log, func(l string) bool { return strings.Contains(l, "refused=1") })
	reset(t, a)
	waitLog(t, &log, func(l string) bool { return strings.Contains(l, "open=0") && strings.Contains(l, "client-gone=1") })
	assert.Empty(t, rawRead(t, rawDial(t, addr, "")), "a silent connection is closed without an answer")
	waitLog(t, &log, func(l string) bool { return strings.Contains(l, "refused=1 header-timeouts=1") })

	require.NoError(t, stop())
	assert.Contains(t, log.String(), "max conns 1, max header bytes 65536")
	assert.Contains(t, log.String(), "; refused 1 connection with 503 at the -max-conns limit of 1")
	assert.Contains(t, log.String(), "; closed 1 connection whose request headers did not arrive within the -read-header-timeout of 300ms")
}

// waitLog polls the log until its last line matches, and returns it.
func waitLog(t *testing.T, log *syncBuffer, match func(line string) bool) string {
	t.Helper()
	var last string
	require.Eventually(t, func() bool {
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		last = lines[len(lines)-1]
		return match(last)
	}, 10*time.Second, 5*time.Millisecond, "log line never matched")
	return last
}

func rawDial(t *testing.T, addr, send string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, send)
	require.NoError(t, err)
	return c
}

// reset closes c with a reset (SO_LINGER 0) instead of a FIN: the server
// knows at once that the client is gone.
func reset(t *testing.T, c net.Conn) {
	t.Helper()
	require.NoError(t, c.(*net.TCPConn).SetLinger(0))
	require.NoError(t, c.Close())
}

func rawRead(t *testing.T, c net.Conn) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(b)
}
