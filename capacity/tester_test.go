package capacity_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCountsEstablishedAndClosed(t *testing.T) {
	srv := startServer(t, false)
	tr, stop := start(t, testConfig(srv.addr(), 5))
	waitFor(t, "5 established", func() bool { return tr.Counts().Established == 5 })
	srv.waitAccepted(t, 5)
	srv.conn(0).Close()
	srv.conn(3).Close()
	waitFor(t, "2 closed", func() bool { return tr.Counts().Closed == 2 })

	r := stop()
	assert.Equal(t, capacity.Counts{Total: 5, Established: 3, Closed: 2}, r.Final)
	assert.Equal(t, 5, r.Peak)
	assert.True(t, r.Reached)
	assert.EqualValues(t, 5, r.Dials)
	assert.EqualValues(t, 5, r.Established)
	assert.EqualValues(t, 2, r.ClosedByPeer)
	assert.Zero(t, r.Errors)
	assert.EqualValues(t, 5, r.ConnectTime.Count)
	assert.Equal(t, "interrupted", r.StopReason)
	assert.NoError(t, r.Check(0))
	waitFor(t, "the server to see every connection closed", func() bool {
		for i := range 5 {
			if !isClosed(srv.conn(i)) {
				return false
			}
		}
		return true
	})
}

func TestCountsNotInitiatedWhilePaced(t *testing.T) {
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 4)
	cfg.Delay = time.Hour
	cfg.MaxDuration = 0
	tr, stop := start(t, cfg)
	waitFor(t, "the first connection", func() bool { return tr.Counts().Established == 1 })
	assert.Equal(t, capacity.Counts{Total: 4, Established: 1, NotInitiated: 3}, tr.Counts())
	r := stop()
	assert.False(t, r.Reached)
	assert.ErrorContains(t, r.Check(-1), "reached 1 of 4 connections (stopped: interrupted)")
}

func TestCountsErrorsByCause(t *testing.T) {
	cfg := testConfig(closedPort(t), 3)
	cfg.Hold = 0
	r, err := capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, capacity.Counts{Total: 3, Error: 3}, r.Final)
	assert.Equal(t, map[string]int64{"refused": 3}, r.ErrorsByCause)
	assert.Contains(t, r.ErrorExamples["refused"], "connection refused")
	assert.Equal(t, "every connection tried, no hold", r.StopReason)
	assert.ErrorContains(t, r.Check(-1), "reached 0 of 3")
	assert.ErrorContains(t, r.Check(2), "3 errors, more than the 2 allowed")
}

func TestReopenKeepsN(t *testing.T) {
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 3)
	cfg.Reopen = true
	var mu sync.Mutex
	var lines []string
	cfg.OnInterval = func(c capacity.Counts) { mu.Lock(); lines = append(lines, c.Line()); mu.Unlock() }
	tr, stop := start(t, cfg)
	waitFor(t, "3 established", func() bool { return tr.Counts().Established == 3 })
	srv.waitAccepted(t, 3)
	srv.closeConns()
	waitFor(t, "3 reopened", func() bool { return srv.accepted() == 6 && tr.Counts().Established == 3 })
	waitFor(t, "a report", func() bool { mu.Lock(); defer mu.Unlock(); return len(lines) > 0 })

	r := stop()
	assert.Equal(t, capacity.Counts{Total: 3, Established: 3}, r.Final)
	assert.EqualValues(t, 6, r.Dials)
	assert.EqualValues(t, 3, r.ClosedByPeer)
	mu.Lock()
	defer mu.Unlock()
	assert.Regexp(t, `^Total: 3, Dialing: \d, Established: \d, Closed: \d, Error: \d, NotInitiated: \d$`, lines[0])
}

func TestPingTimeoutClosesSilentConnection(t *testing.T) {
	srv := startServer(t, true)
	cfg := testConfig(srv.addr(), 2)
	cfg.Ping = 10 * time.Millisecond
	cfg.Timeout = time.Second // an answering echo is never that late, even under -race
	tr, stop := start(t, cfg)
	waitFor(t, "pings on both connections", func() bool {
		return srv.accepted() == 2 && srv.conn(0).reads.Load() >= 2 && srv.conn(1).reads.Load() >= 2
	})
	srv.conn(0).mute.Store(true)
	waitFor(t, "the silent connection to fail", func() bool { return tr.Counts().Error == 1 })
	<-srv.conn(0).closed // the tester closed it

	r := stop()
	assert.Equal(t, capacity.Counts{Total: 2, Established: 1, Error: 1}, r.Final)
	assert.Equal(t, map[string]int64{"timeout": 1}, r.ErrorsByCause)
	assert.Contains(t, r.ErrorExamples["timeout"], "no pong within 1s")
	assert.Greater(t, srv.conn(1).reads.Load(), int64(2), "the answering connection keeps pinging")
}

func TestHTTPModePingsOnEachConnection(t *testing.T) {
	var pings atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ping" {
			http.NotFound(w, r)
			return
		}
		pings.Add(1)
		_, _ = io.WriteString(w, "pong\n")
	}))
	defer hs.Close()
	cfg := testConfig(strings.TrimPrefix(hs.URL, "http://"), 3)
	cfg.Mode = capacity.ModeHTTP
	cfg.Ping = 10 * time.Millisecond
	tr, stop := start(t, cfg)
	waitFor(t, "3 connections pinging", func() bool { return tr.Counts().Established == 3 && pings.Load() >= 9 })
	r := stop()
	assert.Equal(t, capacity.Counts{Total: 3, Established: 3}, r.Final)
	assert.Zero(t, r.Errors)

	cfg.Path = "/missing"
	tr, stop = start(t, cfg)
	waitFor(t, "3 answers 404", func() bool { return tr.Counts().Error == 3 })
	r = stop()
	assert.Equal(t, map[string]int64{"http 404": 3}, r.ErrorsByCause)
}

func TestAutoStopsOnRefusedAndAtItsCap(t *testing.T) {
	cfg := testConfig(closedPort(t), 0)
	cfg.Auto = true
	cfg.FailAfter = 5
	cfg.DialConcurrency = 1
	r, err := capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Zero(t, r.Peak)
	assert.Contains(t, r.StopReason, "5 failures without a new peak, the last one refused")
	assert.ErrorContains(t, r.Check(-1), "no connection was established")

	srv := startServer(t, false)
	cfg = testConfig(srv.addr(), 6)
	cfg.Auto = true
	r, err = capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "reached the cap of 6 connections", r.StopReason)
	assert.Equal(t, 6, r.Peak)
	assert.True(t, r.Reached)
}

func TestMaxDurationEndsTheRun(t *testing.T) {
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 0)
	cfg.Auto = true
	cfg.Delay = time.Hour
	cfg.MaxDuration = 100 * time.Millisecond
	r, err := capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "max duration reached", r.StopReason)
	assert.Equal(t, 1, r.Peak)
}

func TestSourcesBindTheGivenAddresses(t *testing.T) {
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 4)
	cfg.Sources = []netip.Addr{netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.3")}
	tr, stop := start(t, cfg)
	waitFor(t, "4 established", func() bool { return tr.Counts().Established == 4 && srv.accepted() == 4 })
	bySource := map[string]int{}
	for _, r := range srv.remotes() {
		bySource[r.Addr().String()]++
	}
	assert.Equal(t, map[string]int{"127.0.0.2": 2, "127.0.0.3": 2}, bySource)
	stop()
}

func TestResetLeavesNoTimeWait(t *testing.T) {
	for _, tc := range []struct {
		reset    bool
		timeWait int
	}{{false, 2}, {true, 0}} {
		srv := startServer(t, false)
		cfg := testConfig(srv.addr(), 2)
		cfg.Hold = 0
		cfg.Reset = tc.reset
		r, err := capacity.Run(context.Background(), cfg)
		require.NoError(t, err)
		require.Equal(t, 2, r.Peak)
		srv.waitAccepted(t, 2)
		waitFor(t, "the server to see both ends close", func() bool {
			return isClosed(srv.conn(0)) && isClosed(srv.conn(1))
		})
		srv.closeConns()
		waitFor(t, fmt.Sprintf("%d sockets in TIME_WAIT (reset=%v)", tc.timeWait, tc.reset), func() bool { return timeWaitOf(srv) == tc.timeWait })
	}
}

// timeWaitOf counts the sockets of srv's connections in TIME_WAIT, on
// either end, by their exact 4-tuples; -1 when the census failed (a
// process of the machine may vanish while it reads /proc: try again).
func timeWaitOf(srv *testServer) int {
	snap, err := netstat.Take(context.Background(), netstat.Selector{Port: srv.port(), States: []string{netstat.TimeWait}})
	if err != nil {
		return -1
	}
	ours := map[netip.AddrPort]bool{}
	for _, r := range srv.remotes() {
		ours[r] = true
	}
	n := 0
	for _, k := range snap.Sockets {
		if ours[k.Local] || ours[k.Remote] {
			n++
		}
	}
	return n
}
