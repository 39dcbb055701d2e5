package doctor

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing", Config{}, "Pid 0: and Port 0: nothing to watch"},
		{"negative pid", Config{Pid: -1}, "Pid -1: is negative"},
		{"interval", Config{Pid: 1, Interval: time.Millisecond}, "Interval 1ms: is shorter than 10ms"},
		{"duration", Config{Pid: 1, Interval: time.Second, Duration: 100 * time.Millisecond}, "Duration 100ms: is shorter than Interval 1s"},
		{"min samples", Config{Pid: 1, MinSamples: 2}, "MinSamples 2: is below 3"},
		{"alpha", Config{Pid: 1, Alpha: 2}, "Alpha 2: is not between 0 and 1"},
		{"remote pprof", Config{Pid: 1, PprofURL: "http://198.18.0.1:6060"}, `host "198.18.0.1" is not a loopback address`},
		{"https pprof", Config{Pid: 1, PprofURL: "https://127.0.0.1:6060"}, "not an http:// URL"},
		{"other path", Config{Pid: 1, PprofURL: "http://127.0.0.1:6060/metrics"}, "does not name net/http/pprof"},
		{"engine", Config{Pid: 1, Engine: "ss"}, `Engine "ss": is not a census engine; give auto, netlink or gopsutil`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.WithDefaults().Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.NoError(t, Config{Port: 8080}.WithDefaults().Validate())
}

func TestGoroutineURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:6060":                           "http://127.0.0.1:6060/debug/pprof/goroutine?debug=1",
		"http://localhost:6060/debug/pprof/":              "http://localhost:6060/debug/pprof/goroutine?debug=1",
		"http://[::1]:6060/debug/pprof/goroutine?debug=2": "http://[::1]:6060/debug/pprof/goroutine?debug=2",
		"http://127.0.0.1:6060/debug/pprof/goroutine":     "http://127.0.0.1:6060/debug/pprof/goroutine?debug=1",
	} {
		got, err := goroutineURL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

// exitedPid is the pid of a process that has exited and been reaped.
func exitedPid(t *testing.T) int32 {
	t.Helper()
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return int32(cmd.Process.Pid)
}

func TestNoSuchPid(t *testing.T) {
	_, err := Watch(context.Background(), Config{Pid: exitedPid(t), Interval: fastInterval, Duration: time.Second}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no process with pid")
}

// A process that exits during the watch (killed after the second
// sample): the report covers what was seen, and says when it exited.
func TestPidExitsMidWatch(t *testing.T) {
	h := newHolder(t, false, 0)
	p := python(t, "leak", strconv.Itoa(h.port()), "50", "300")
	ctx, cancel := context.WithTimeout(context.Background(), slowDuration)
	defer cancel()
	kill := &onLine{n: 2, fn: func() { p.cmd.Process.Kill(); <-p.done }}
	r, err := Watch(ctx, Config{Pid: p.pid(), Interval: fastInterval, Duration: slowDuration}, kill)
	require.NoError(t, err)
	t.Logf("report:\n%s", text(t, r))
	assert.Equal(t, EndExited, r.Ended)
	require.NotEmpty(t, r.Notes)
	assert.Contains(t, r.Notes[0], fmt.Sprintf("pid %d exited after", p.pid()))
	assert.Equal(t, 2, r.Samples, "the samples before the exit")
}

func TestPprofBadURLs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	ln.Close()
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/pprof/goroutine") {
			fmt.Fprintln(w, "<html><body>hello</body></html>")
			return
		}
		http.NotFound(w, r)
	}))
	defer html.Close()
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(hang)
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	for _, tc := range []struct{ name, url, want string }{
		{"refused", "http://" + closed, "connection refused"},
		{"not pprof", html.URL, "not a goroutine profile"},
		{"404", notFound.URL, "404 Not Found: not net/http/pprof"},
		{"hangs", hanging.URL, "no answer in time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Watch(context.Background(), Config{Port: 1, Interval: fastInterval, Duration: time.Second, PprofURL: tc.url, PprofTimeout: 300 * time.Millisecond}, nil)
				done <- err
			}()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
			case <-time.After(readyTimeout):
				t.Fatal("the watch hangs on a bad pprof URL")
			}
		})
	}
}

func TestTooFewSamples(t *testing.T) {
	h := newHolder(t, false, 0)
	p := python(t, "leak", strconv.Itoa(h.port()), "50", "300")
	r, err := Watch(context.Background(), Config{Pid: p.pid(), Interval: fastInterval, Duration: 600 * time.Millisecond}, nil)
	require.NoError(t, err)
	assert.Contains(t, r.TooFew, "watch at least 1s (6 samples at 200ms)")
	assert.False(t, r.Leaking, "no verdict on too few samples")
	assert.Contains(t, text(t, r), "NO VERDICT")
}

// Cancelling the context ends the watch early, with the report.
func TestInterrupted(t *testing.T) {
	h := newHolder(t, false, 0)
	p := python(t, "leak", strconv.Itoa(h.port()), "50", "300")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Watch(ctx, Config{Pid: p.pid(), Interval: fastInterval, Duration: slowDuration}, &onLine{n: 3, fn: cancel})
	require.NoError(t, err)
	assert.Equal(t, EndInterrupted, r.Ended)
	assert.Equal(t, 3, r.Samples)
}
