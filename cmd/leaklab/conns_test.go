package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/internal/oslimits"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -workers run starts this test binary again as its workers (the
// binary is os.Executable()); a worker runs here, before TestMain, as in
// the leaklab binary.
func init() {
	if spec := os.Getenv(capacity.WorkerEnv); spec != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := exitCode(os.Stderr, "conns", connsWorker(ctx, spec, os.Stdout))
		stop()
		os.Exit(code)
	}
}

// holdListener accepts connections on 127.0.0.1:0 and holds them until
// the test ends.
func holdListener(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return len(conns) }
}

func TestConnsUsageErrorsExit2(t *testing.T) {
	rl, err := oslimits.OpenFiles()
	require.NoError(t, err)
	ports, err := capacity.ReadPortRange()
	require.NoError(t, err)
	tooMany := fmt.Sprint(rl.Hard + 1)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-connections", "-1"}, "connections -1: want at least 1"},
		{[]string{"-connections", "0"}, "connections 0: want at least 1"},
		{[]string{"-mode", "udp"}, `mode "udp": want "tcp" or "http"`},
		{[]string{"-rate", "fast"}, `rate "fast"`},
		{[]string{"-delay", "1ms", "-rate", "10/s"}, "-delay and -rate both given"},
		{[]string{"-target", "192.0.2.1:80"}, "not a loopback address"},
		{[]string{"-target", "127.0.0.1"}, "give host:port"},
		{[]string{"-source", "127.0.0.9-127.0.0.2"}, "the end must not be below the start"},
		{[]string{"-source", "192.0.2.7"}, "-source \"192.0.2.7\": source is not a loopback address"},
		{[]string{"-format", "xml"}, `unknown -format "xml"`},
		{[]string{"-workers", "0"}, "-workers 0: want 1 or more"},
		{[]string{"-connections", tooMany, "-delay", "0"}, "connections per process need"},
		{[]string{"-connections", fmt.Sprint(ports.Size() + 1), "-delay", "0", "-workers", "3"}, "exceed the ephemeral port range"},
		{[]string{"-hold", "1h"}, "is not shorter than -max-duration"},
		{[]string{"-auto", "-reopen"}, "do not combine"},
		{[]string{"-ping", "-1s"}, "ping -1s"},
		{[]string{"-path", "ping"}, "starting with /"},
		{[]string{"-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, 5*time.Second, append([]string{"conns"}, tc.args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

func TestConnsHoldsAndSummarises(t *testing.T) {
	addr, accepted := holdListener(t)
	code, out, stderr := runCLI(t, 30*time.Second, "conns", "-target", addr, "-connections", "5", "-delay", "0",
		"-interval", "10ms", "-hold", "100ms", "-source", "127.0.0.1-127.0.0.2")
	require.Equal(t, exitOK, code, stderr)
	waitAccepted(t, accepted, 5)
	for _, want := range []string{
		"open-files limit", "Total: 5, Dialing: 0, Established: 5, Closed: 0, Error: 0, NotInitiated: 0",
		"tcp to " + addr + " from 127.0.0.1-127.0.0.2", "held for 100ms", "5 of 5, reached after", "errors: none",
	} {
		assert.Contains(t, out, want)
	}
}

func TestConnsExit1WhenTheTargetIsNotReached(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	code, out, stderr := runCLI(t, 30*time.Second, "conns", "-target", addr, "-connections", "3", "-delay", "0")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "FAIL: reached 0 of 3 connections")
	assert.Contains(t, out, "nothing listens at the target")
}

func TestConnsMaxErrorsExit1(t *testing.T) {
	// Every request waits until all three have come, then answers 404:
	// the three connections are all established before the first error.
	var mu sync.Mutex
	arrived, all := 0, make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-r.Context().Done():
		}
		http.NotFound(w, r)
	}))
	defer hs.Close()
	addr := strings.TrimPrefix(hs.URL, "http://")
	code, out, stderr := runCLI(t, 30*time.Second, "conns", "-target", addr, "-mode", "http", "-connections", "3",
		"-delay", "0", "-hold", "500ms", "-max-errors", "0")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "FAIL: 3 errors, more than the 0 allowed")
	assert.Contains(t, out, "http 404")
}

func TestConnsJSONAndInterrupt(t *testing.T) {
	addr, _ := holdListener(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	progress := &cancelOn{want: "Established: 3,", cancel: cancel}
	var out strings.Builder
	code := runContext(ctx, []string{"conns", "-target", addr, "-connections", "3", "-delay", "0", "-interval", "10ms",
		"-hold", "1m", "-format", "json"}, &out, progress)
	require.Equal(t, exitOK, code, progress.String())
	var r capacity.Result
	require.NoError(t, json.Unmarshal([]byte(out.String()), &r), out.String())
	assert.Equal(t, "interrupted", r.StopReason)
	assert.Equal(t, 3, r.Final.Established)
	assert.Equal(t, 3, r.Peak)
}

func TestConnsWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes; skipped with -short")
	}
	t.Setenv("GORACE", "atexit_sleep_ms=0") // workers under -race would sleep 1 s at exit
	addr, accepted := holdListener(t)
	code, out, stderr := runCLI(t, time.Minute, "conns", "-target", addr, "-connections", "4", "-delay", "0",
		"-interval", "20ms", "-hold", "300ms", "-workers", "2")
	require.Equal(t, exitOK, code, stderr)
	waitAccepted(t, accepted, 4)
	assert.Contains(t, out, "each of the 2 worker processes raises its own")
	assert.Contains(t, out, "in 2 processes")
	assert.Contains(t, out, "Total: 4, Dialing: 0, Established: 4, Closed: 0, Error: 0, NotInitiated: 0")
}

// waitAccepted waits until the listener has accepted n connections: the
// tester counts a connection established once the kernel completed its
// handshake, which may be before Accept returns it.
func waitAccepted(t *testing.T, accepted func() int, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for accepted() < n {
		require.True(t, time.Now().Before(deadline), "the listener accepted %d of %d connections", accepted(), n)
		time.Sleep(2 * time.Millisecond)
	}
}

// cancelOn records what is written and cancels once want appears.
type cancelOn struct {
	mu     sync.Mutex
	b      strings.Builder
	want   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b.Write(p)
	if strings.Contains(c.b.String(), c.want) {
		c.cancel()
	}
	return len(p), nil
}

func (c *cancelOn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.String()
}
