//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// watched wraps a Requester and counts its outcomes by cause, so a test
// can act on what the client has seen.
type watched struct {
	clients.Requester
	mu     sync.Mutex
	causes map[string]int
}

func observe(r clients.Requester) *watched { return &watched{Requester: r, causes: map[string]int{}} }

func (w *watched) Do(ctx context.Context, url string) clients.Outcome {
	o := w.Requester.Do(ctx, url)
	w.mu.Lock()
	w.causes[neterr.Cause(o.Err)]++
	w.mu.Unlock()
	return o
}

func (w *watched) count(cause string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.causes[cause]
}

// TestClientSummaryAfterServerStoppedMidRun stops the leaklab server
// under a running client: the client keeps going, counts the requests in
// flight and the refused ones by cause, and prints its summary and hints.
func TestClientSummaryAfterServerStoppedMidRun(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.ShutdownGrace = "127.0.0.1:0", 300*time.Millisecond, 0, time.Millisecond
	srv := server.New(cfg)
	require.NoError(t, srv.Start())
	defer srv.Close()
	req := observe(clients.NewFaulty())
	lc := clients.LoadConfig{Target: srv.URL(), Interval: 10 * time.Millisecond, Extra: 1, Seed: 1, DrainTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- driveClient(ctx, req, srv.Port(), lc, &out) }()
	waitFor(t, "an answer", func() bool { return req.count("") >= 1 })
	require.NoError(t, srv.Close()) // requests in flight are cut, new ones refused
	waitFor(t, "refused requests", func() bool { return req.count(neterr.Refused) >= 3 })
	cancel()
	require.NoError(t, <-done)
	summary := out.String()
	assert.Contains(t, summary, "errors refused:")
	assert.Contains(t, summary, neterr.Hints[neterr.Refused])
	assert.Regexp(t, `errors (closed by peer|reset): +\d+`, summary, "the requests in flight when the server stopped")
	assert.Contains(t, summary, "released: faulty client closed its connections")
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, lineTimeout, 5*time.Millisecond, "waiting for %s", what)
}

// TestClientMaxErrorsStopsAndExits1 runs the client against a port where
// nothing listens with -max-errors 2: it stops sending by itself, prints
// its summary and exits 1.
func TestClientMaxErrorsStopsAndExits1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	target := "http://" + ln.Addr().String() + "/"
	require.NoError(t, ln.Close())
	code, out, stderr := runCLI(t, time.Minute, "client", "-mode", "fixed", "-target", target, "-interval", "10ms", "-max-errors", "2")
	assert.Equal(t, exitFailure, code)
	assert.Regexp(t, `errors refused: +\d+  nothing listens at the target`, out)
	assert.Contains(t, out, "stopped sending early: ")
	assert.Contains(t, out, "released: fixed client")
	assert.Regexp(t, `FAIL: \d+ errors, more than the 2 allowed by -max-errors`, stderr)
}

// oneSourcePort is a faulty-like requester that dials every connection
// from 127.0.0.1 and one fixed port (SO_REUSEADDR lets the bind succeed):
// its first connection leaks and holds the only 4-tuple to the server,
// so every later connect() fails with the kernel's EADDRNOTAVAIL, as
// when the ephemeral port range is used up.
type oneSourcePort struct {
	dialer net.Dialer
	mu     sync.Mutex
	trs    []*http.Transport
	open   atomic.Int64
}

func newOneSourcePort(t *testing.T) *oneSourcePort {
	t.Helper()
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := probe.Addr().(*net.TCPAddr).Port
	require.NoError(t, probe.Close())
	return &oneSourcePort{dialer: net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port},
		Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			if err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
			}); err != nil {
				return err
			}
			return serr
		},
	}}
}

func (o *oneSourcePort) Name() string   { return clients.Faulty }
func (o *oneSourcePort) OpenConns() int { return int(o.open.Load()) }

func (o *oneSourcePort) Do(ctx context.Context, url string) clients.Outcome {
	//leaklab:allow transportpercall a faulty client that leaks on purpose
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := o.dialer.DialContext(ctx, network, addr)
		if err == nil {
			o.open.Add(1)
		}
		return c, err
	}}
	o.mu.Lock()
	o.trs = append(o.trs, tr)
	o.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return clients.Outcome{Err: err}
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return clients.Outcome{Err: err}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return clients.Outcome{Dialled: true, Status: resp.StatusCode, Err: resp.Body.Close()}
}

func (o *oneSourcePort) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, tr := range o.trs {
		tr.CloseIdleConnections()
	}
	o.trs = nil
	o.open.Store(0)
}

// TestClientSummaryNamesOutOfEphemeralPorts runs the client's summary path
// with a requester that gets the kernel's EADDRNOTAVAIL: the summary names
// the cause, its fix and the port range, and the run ends by itself.
func TestClientSummaryNamesOutOfEphemeralPorts(t *testing.T) {
	url, port := testServer(t, 0)
	req := newOneSourcePort(t)
	lc := clients.LoadConfig{Target: url, Interval: 10 * time.Millisecond, Duration: 200 * time.Millisecond, Seed: 1, DrainTimeout: 10 * time.Second}
	var out syncBuffer
	require.NoError(t, driveClient(context.Background(), req, port, lc, &out))
	assert.Regexp(t, `ok 1, errors \d+`, out.String(), "one connection fits in the one 4-tuple")
	assert.Regexp(t, `errors out of ephemeral ports: +\d+  `+regexp.QuoteMeta(neterr.Hints[neterr.NoPorts]), out.String())
	assert.Contains(t, out.String(), "ephemeral port range: ")
}

// TestClientAtTheOpenFilesLimit runs the faulty client in a subprocess
// whose open-files limit is 64, against an in-process server: it leaks a
// socket per request until socket() fails with EMFILE, keeps running and
// counting, and at the end of its duration, or at SIGINT, prints a
// summary that names "too many open files", its fix and the limit.
func TestClientAtTheOpenFilesLimit(t *testing.T) {
	skipSubprocess(t)
	const limit = 64
	cases := []struct {
		name string
		args []string
		stop func(t *testing.T, p *proc)
		code int
	}{
		{"until the duration ends", []string{"-duration", "1500ms"}, func(*testing.T, *proc) {}, exitOK},
		{"until SIGINT", nil, func(t *testing.T, p *proc) {
			p.waitLine(t, &p.stdout, regexp.MustCompile(`errors=[1-9]`)) // EMFILE is the only error here
			p.signal(t, syscall.SIGINT)
		}, 130},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url, port := testServer(t, 0)
			args := append([]string{"client", "-mode", "faulty", "-target", url, "-interval", "5ms", "-extra", "0", "-max-sockets", "1000"}, tc.args...)
			p := startLeaklab(t, []string{fmt.Sprintf("%s=%d", nofileEnv, limit)}, args...)
			tc.stop(t, p)
			require.Equal(t, tc.code, p.wait(t), p.stderr.String())
			out := p.stdout.String()
			assert.Regexp(t, `errors too many open files: +\d+  `+regexp.QuoteMeta(neterr.Hints[neterr.TooManyFiles]), out)
			assert.Contains(t, out, fmt.Sprintf("open-files limit of this process: %d (hard limit %d)", limit, limit))
			assert.Contains(t, out, "released: faulty client closed its connections")
			assert.False(t, strings.Contains(out, "stopped sending early"), "the socket cap is above the limit")
			assertNoEstablished(t, port)
		})
	}
}
