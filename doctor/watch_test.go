package doctor

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/netstat"
)

// A Python process leaking one connection every 50 ms is named, by peer
// and cause, within 4 s of samples at 200 ms: the verdict is checked on
// every prefix of the samples, so the claim rests on the sample count,
// not on the wall clock.
func TestPythonLeakNamedWithin4s(t *testing.T) {
	h := newHolder(t, false, 0)
	p := python(t, "leak", strconv.Itoa(h.port()), "50", "300")
	w := watchFor(t, Config{Pid: p.pid(), Interval: fastInterval, Samples: 21, Duration: slowDuration})
	r := w.report()
	t.Logf("report:\n%s", text(t, r))
	require.Equal(t, EndSamples, r.Ended)
	g, ok := groupOf(r, "client", netstat.Established, h.port())
	require.True(t, ok, "no client ESTABLISHED group to the holder's port")
	assert.Equal(t, KindLeak, g.Verdict.Kind)
	assert.True(t, r.Leaking)
	assert.Contains(t, g.Verdict.Lessons, "docs/01-new-client-per-request.md")
	assert.Greater(t, g.Fit.Slope, 5.0, "about 20 a second")
	assert.Greater(t, g.Verdict.Confidence, 0.99)
	assert.Equal(t, r.Groups[0].Key, g.Key, "the leaking group comes first")

	first := firstNamed(w, g.Key)
	samplesIn4s := int(4*time.Second/fastInterval) + 1 // samples at 0, 0.2 s, ... 4 s
	require.Positive(t, first, "never named")
	assert.LessOrEqual(t, first, samplesIn4s, "named after %d samples (%v at %v)", first, time.Duration(first-1)*fastInterval, fastInterval)
	for n := first; n <= len(w.samples); n++ {
		assert.Equal(t, KindLeak, verdictAt(w, g.Key, n), "prefix of %d samples", n)
	}
}

// firstNamed is the fewest samples after which key is called a leak.
func firstNamed(w *watch, key Key) int {
	for n := 1; n <= len(w.samples); n++ {
		if verdictAt(w, key, n) == KindLeak {
			return n
		}
	}
	return 0
}

func verdictAt(w *watch, key Key, n int) string {
	r := analyze(w.cfg, w.samples[:n], EndDuration, w.samples[n-1].At, nil)
	for _, g := range r.Groups {
		if g.Key == key {
			return g.Verdict.Kind
		}
	}
	return ""
}

// A Python process holding a steady pool of connections is clean.
func TestPythonSteadyPoolIsClean(t *testing.T) {
	h := newHolder(t, false, 0)
	p := python(t, "pool", strconv.Itoa(h.port()), "5", "300")
	r := watchFor(t, Config{Pid: p.pid(), Interval: fastInterval, Samples: 11, Duration: slowDuration}).report()
	t.Logf("report:\n%s", text(t, r))
	assert.False(t, r.Leaking)
	assert.False(t, r.Churning)
	g, ok := groupOf(r, "client", netstat.Established, h.port())
	require.True(t, ok)
	assert.Equal(t, 5, g.Now)
	assert.Equal(t, KindSteady, g.Verdict.Kind)
}

// A Python server that never closes the connections its clients closed
// piles up CLOSE_WAIT on its side.
func TestPythonServerCloseWait(t *testing.T) {
	p := python(t, "closewait", "300")
	port, err := strconv.Atoi(p.first)
	require.NoError(t, err)
	stop := dialAndClose(t, port, 30*time.Millisecond)
	defer stop()
	r := watchFor(t, Config{Pid: p.pid(), Interval: fastInterval, Samples: 16, Duration: slowDuration}).report()
	t.Logf("report:\n%s", text(t, r))
	g, ok := groupOf(r, "server", netstat.CloseWait, port)
	require.True(t, ok, "no server CLOSE_WAIT group on port %d", port)
	assert.Equal(t, KindCloseWait, g.Verdict.Kind)
	assert.True(t, r.Leaking)
	assert.Contains(t, g.Verdict.Lessons, "docs/02-body-not-closed.md")
}

// A Python client that dials, asks and closes every time churns: its
// TIME_WAIT are attributed to it by peer although they have no owner,
// and churn alone is no leak.
func TestPythonChurnIsTimeWaitNotLeak(t *testing.T) {
	h := newHolder(t, true, 50*time.Millisecond)
	p := python(t, "churn", strconv.Itoa(h.port()), "300")
	r := watchFor(t, Config{Pid: p.pid(), Interval: fastInterval, Samples: 16, Duration: slowDuration}).report()
	t.Logf("report:\n%s", text(t, r))
	g, ok := groupOf(r, "client", netstat.TimeWait, h.port())
	require.True(t, ok, "no client TIME_WAIT group to port %d", h.port())
	assert.Equal(t, KindChurn, g.Verdict.Kind)
	assert.Greater(t, g.NewPerSecond, DefaultChurnRate)
	assert.True(t, r.Churning)
	assert.False(t, r.Leaking, "churn alone is not a leak")
}

// The kit's faulty client (a new Transport per request), run as its own
// process, is named; the fixed client watched the same way is clean.
func TestKitClients(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct {
		mode    string
		leaking bool
	}{{"faulty", true}, {"fixed", false}} {
		t.Run(tc.mode, func(t *testing.T) {
			c := startChild(t, leaklabBin, "client", "-mode", tc.mode, "-target", srv.URL+"/", "-interval", "50ms", "-extra", "0", "-duration", "5m", "-max-sockets", "5000")
			waitSockets(t, c.pid())
			r := watchFor(t, Config{Pid: c.pid(), Interval: fastInterval, Samples: 16, Duration: slowDuration}).report()
			t.Logf("report:\n%s", text(t, r))
			assert.Equal(t, tc.leaking, r.Leaking)
			g, ok := groupOf(r, "client", netstat.Established, port)
			require.True(t, ok)
			if tc.leaking {
				assert.Equal(t, KindLeak, g.Verdict.Kind)
			} else {
				assert.Equal(t, KindSteady, g.Verdict.Kind)
				assert.False(t, r.Churning)
			}
			srv.CloseClientConnections()
		})
	}
}

// Dials to a listener whose backlog is full stay in SYN_SENT: connections
// stuck, a leak (no dial timeout).
func TestPythonStuckDials(t *testing.T) {
	p := python(t, "syn", "100", "300")
	port, err := strconv.Atoi(p.first)
	require.NoError(t, err)
	r := watchFor(t, Config{Pid: p.pid(), Interval: fastInterval, Samples: 11, Duration: slowDuration}).report()
	t.Logf("report:\n%s", text(t, r))
	g, ok := groupOf(r, "client", netstat.SynSent, port)
	require.True(t, ok, "no SYN_SENT group to port %d", port)
	assert.Equal(t, KindStuckDial, g.Verdict.Kind)
	assert.Contains(t, g.Verdict.Lessons, "docs/04-no-timeout.md")
	assert.True(t, r.Leaking)
}

// Watching a port, without a pid: the server side of a server that never
// closes what its clients closed, grouped by local port and client
// address.
func TestWatchByPortServerSide(t *testing.T) {
	p := python(t, "closewait", "300")
	port, err := strconv.Atoi(p.first)
	require.NoError(t, err)
	stop := dialAndClose(t, port, 30*time.Millisecond)
	defer stop()
	r := watchFor(t, Config{Port: uint16(port), Interval: fastInterval, Samples: 11, Duration: slowDuration}).report()
	t.Logf("report:\n%s", text(t, r))
	assert.Equal(t, "port "+p.first, r.Target)
	g, ok := groupOf(r, "server", netstat.CloseWait, port)
	require.True(t, ok)
	assert.Equal(t, KindCloseWait, g.Verdict.Kind)
	assert.Equal(t, ":"+p.first+" ← 127.0.0.1", g.Where())
	fw, ok := groupOf(r, "client", netstat.FinWait2, port)
	require.True(t, ok, "the clients' ends, closed first and waiting for the server's FIN, are counted by port")
	assert.Positive(t, fw.Now)
}
