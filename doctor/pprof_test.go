package doctor

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/netstat"
)

// The parser counts net/http's goroutines in both text forms of a real
// profile of this process, holding idle client connections.
func TestParseGoroutinesOfThisProcess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	const n = 3
	var trs []*http.Transport
	for range n {
		//leaklab:allow transportpercall idle connections held on purpose for the profile
		tr := &http.Transport{}
		trs = append(trs, tr)
		get(&http.Client{Transport: tr}, srv.URL)
	}
	defer func() {
		for _, tr := range trs {
			tr.CloseIdleConnections()
		}
	}()
	for _, debug := range []int{1, 2} {
		// Poll: a read loop goes back to waiting for the next response
		// (Peek) a moment after the body it served reached EOF.
		var g Goroutines
		assert.Eventually(t, func() bool {
			var buf bytes.Buffer
			// The condition runs on its own goroutine: assert, not require.
			if !assert.NoError(t, pprof.Lookup("goroutine").WriteTo(&buf, debug)) {
				return false
			}
			var err error
			g, err = parseGoroutines(&buf)
			if !assert.NoError(t, err, "debug=%d", debug) {
				return false
			}
			return g.IdleReadLoops() == n
		}, 10*time.Second, 10*time.Millisecond, "debug=%d: %d read loops idle in their pools", debug, n)
		assert.Equal(t, n, g.ReadLoops, "debug=%d", debug)
		assert.Equal(t, n, g.WriteLoops, "debug=%d", debug)
		assert.Equal(t, n, g.ServerConns, "debug=%d: the test server's side", debug)
		assert.Greater(t, g.Total, 3*n, "debug=%d", debug)
	}
}

func TestParseGoroutinesRejectsOtherText(t *testing.T) {
	_, err := parseGoroutines(strings.NewReader("<!DOCTYPE html>\n<html>"))
	assert.ErrorContains(t, err, "not a goroutine profile")
	_, err = parseGoroutines(strings.NewReader(""))
	assert.ErrorContains(t, err, "empty answer")
}

// A Go process with a new Transport per request, serving net/http/pprof:
// the goroutine evidence names the pools nobody reuses.
func TestPprofEvidenceOfAGoProcess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	defer srv.CloseClientConnections()
	c := startChildEnv(t, []string{helperEnv + "=transport-per-request", helperTarget + "=" + srv.URL}, osArgs0())
	r := watchFor(t, Config{Pid: c.pid(), Interval: fastInterval, Samples: 16, Duration: slowDuration, PprofURL: c.first}).report()
	t.Logf("report:\n%s", text(t, r))
	assert.True(t, r.Leaking)
	require.NotNil(t, r.Goroutines)
	assert.Equal(t, r.Samples, r.Goroutines.Reads)
	g, ok := groupOf(r, "client", netstat.Established, 0)
	require.True(t, ok)
	assert.Equal(t, KindLeak, g.Verdict.Kind)
	all := strings.Join(r.Goroutines.Findings, "\n")
	assert.Contains(t, all, fmt.Sprintf("persistConn readLoops for %d ESTABLISHED to %s", g.Now, g.Peer))
	assert.Contains(t, all, "connections held by Transport pools nobody reuses")
	assert.Contains(t, all, "readLoops grew from")
	// One read loop per connection; the profile is read just after the
	// census, and the process keeps leaking in between.
	assert.InEpsilon(t, g.Now, r.Goroutines.Last.ReadLoops, 0.25, "one read loop per connection")
}

// A profile longer than maxProfile is an error naming the limit and the
// URL, not a cut profile counted low; one that fits exactly is read.
func TestGoroutineProfileOverLimit(t *testing.T) {
	defer func(old int64) { maxProfile = old }(maxProfile)
	maxProfile = 4 << 10
	const head = "goroutine profile: total 1\n"
	var size atomic.Int64 // the length of the profile served
	size.Store(maxProfile)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, head+strings.Repeat("\n", int(size.Load())-len(head)))
	}))
	defer srv.Close()
	cfg := Config{Pid: 1, PprofURL: srv.URL}.WithDefaults()
	gr, err := newGoroutineReader(context.Background(), cfg)
	require.NoError(t, err, "a profile of exactly the limit")
	gr.close()

	size.Store(maxProfile + 1)
	_, err = newGoroutineReader(context.Background(), cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, "longer than the limit of 4096 bytes")
	assert.ErrorContains(t, err, srv.URL+"/debug/pprof/goroutine?debug=1")
}
