package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs a server on a free loopback port with a short delay.
func start(t *testing.T, change func(*server.Config)) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.ShutdownGrace = "127.0.0.1:0", 100*time.Millisecond, 0, time.Second
	if change != nil {
		change(&cfg)
	}
	s := server.New(cfg)
	require.NoError(t, s.Start())
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// client returns a client with its own Transport (never the default one,
// whose idle pool other code may close behind the test's back).
func client(t *testing.T) (*http.Client, *http.Transport) {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}, tr
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestSlowAnswerIsKeepAlive(t *testing.T) {
	s := start(t, nil)
	c, _ := client(t)
	begin := time.Now()
	resp, body := get(t, c, s.URL())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "keep-alive", resp.Header.Get("Connection"))
	assert.Equal(t, "answered after 100ms\n", body)
	assert.GreaterOrEqual(t, time.Since(begin), 100*time.Millisecond, "the server waited its delay")
}

func TestDelayQuery(t *testing.T) {
	s := start(t, func(c *server.Config) { c.Delay = time.Hour; c.MaxDelay = time.Second })
	c, _ := client(t)
	cases := []struct {
		query  string
		status int
		body   string
	}{
		{"?delay=10ms", http.StatusOK, "answered after 10ms"},
		{"?delay=0s", http.StatusOK, "answered after 0s"},
		{"?delay=soon", http.StatusBadRequest, `bad delay "soon": want a Go duration such as 300ms or 2s`},
		{"?delay=2s", http.StatusBadRequest, `bad delay "2s": want between 0 and 1s`},
		{"?delay=-1s", http.StatusBadRequest, `bad delay "-1s"`},
	}
	for _, tc := range cases {
		resp, body := get(t, c, s.URL()+tc.query)
		assert.Equal(t, tc.status, resp.StatusCode, tc.query)
		assert.Contains(t, body, tc.body, tc.query)
	}
}

func TestClientGoneIsNoticed(t *testing.T) {
	var log syncBuffer
	s := start(t, func(c *server.Config) { c.Delay = time.Minute; c.Log = &log })
	c := rawDial(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: leaklab\r\n\r\n")
	waitStats(t, s, func(st server.Stats) bool { return st.InFlight == 1 })
	reset(t, c)
	st := waitStats(t, s, func(st server.Stats) bool { return st.ClientGone == 1 && st.InFlight == 0 })
	assert.Zero(t, st.InFlight, "the handler returned at once")
	assert.Zero(t, st.Served)
	assert.Contains(t, log.String(), "left after")
	assert.Contains(t, log.String(), "of a 1m0s wait: its connection broke (")
	assert.Contains(t, log.String(), "connection reset by peer")
}

// TestConnStateMatchesCensus holds connections in each state and checks
// that the program's view and the kernel's agree.
func TestConnStateMatchesCensus(t *testing.T) {
	s := start(t, func(c *server.Config) { c.Delay = time.Minute })
	const idle, active = 2, 3
	for i := 0; i < idle; i++ { // one Transport each: each keeps an idle conn
		c, _ := client(t)
		get(t, c, s.URL()+"?delay=0s")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // the active requests give up when the test ends
	for i := 0; i < active; i++ {
		c, _ := client(t)
		wg.Add(1)
		go func() { defer wg.Done(); drain(doCtx(ctx, c, s.URL())) }()
	}
	st := waitStats(t, s, func(st server.Stats) bool {
		return st.Conns.Active == active && st.Conns.Idle == idle && st.Kernel[netstat.Established] == idle+active
	})
	assert.Equal(t, idle+active, st.Conns.Open)
	assert.Equal(t, int64(active), st.InFlight)
	assert.Contains(t, st.Line(), "open=5 active=3 idle=2 in-flight=3")
	assert.Contains(t, st.Line(), "kernel: ESTABLISHED=5")
}

// waitStats polls the server's stats until cond holds, failing with the
// last stats after a deadline.
func waitStats(t *testing.T, s *server.Server, cond func(server.Stats) bool) server.Stats {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := s.Stats(context.Background())
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			require.FailNow(t, "stats never matched", "last: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func doCtx(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

func drain(resp *http.Response, err error) {
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func TestStatsEndpoint(t *testing.T) {
	s := start(t, nil)
	c, _ := client(t)
	get(t, c, s.URL()+"?delay=0s")
	resp, body := get(t, c, s.URL()+"stats")
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var st server.Stats
	require.NoError(t, json.Unmarshal([]byte(body), &st))
	assert.Equal(t, int64(1), st.Served)
	assert.Equal(t, 1, st.Conns.Open, "the client's one keep-alive connection")
	assert.Equal(t, 1, st.Kernel[netstat.Established])
	assert.Positive(t, st.Memory.RSSBytes)
	assert.Positive(t, st.Memory.RSSPerConnBytes)
}

func TestPing(t *testing.T) {
	s := start(t, func(c *server.Config) { c.Delay = time.Hour })
	c, _ := client(t)
	_, body := get(t, c, s.URL()+"ping")
	assert.Equal(t, "pong\n", body)
}

func TestPortInUse(t *testing.T) {
	s := start(t, nil)
	cfg := server.DefaultConfig()
	cfg.Addr = s.Addr().String()
	err := server.New(cfg).Start()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listen "+s.Addr().String()+": address already in use")
	assert.Contains(t, err.Error(), "pick another address")
}

func TestCloseCancelsHandlersAfterGrace(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.ShutdownGrace = "127.0.0.1:0", time.Hour, 0, 100*time.Millisecond
	s := server.New(cfg)
	require.NoError(t, s.Start())
	c, _ := client(t)
	done := make(chan error, 1)
	go func() { resp, err := c.Get(s.URL()); drain(resp, err); done <- err }()
	waitStats(t, s, func(st server.Stats) bool { return st.InFlight == 1 })
	begin := time.Now()
	require.NoError(t, s.Close())
	assert.Less(t, time.Since(begin), 5*time.Second, "Close does not wait for the hour")
	assert.Error(t, <-done, "the request was cut off, not answered")
	assert.Zero(t, s.Stats(context.Background()).ClientGone, "a shutdown is not a client leaving")
}

func TestRunLogsReportsAndSummary(t *testing.T) {
	var log syncBuffer
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.ReportEvery, cfg.Log = "127.0.0.1:0", 20*time.Millisecond, &log
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg) }()
	require.Eventually(t, func() bool { return strings.Count(log.String(), "program:") >= 2 }, 20*time.Second, 10*time.Millisecond) // each report runs a census: slow on a busy machine
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, log.String(), "listening on http://127.0.0.1:")
	assert.Contains(t, log.String(), "summary: accepted 0 connections, served 0 requests")
}

func TestRunPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	cfg := server.DefaultConfig()
	cfg.Addr = ln.Addr().String()
	err = server.Run(context.Background(), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "address already in use")
}

// syncBuffer is a strings.Builder safe for the server's log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
