package sockcheck_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clientTimeout bounds every request of these tests.
const clientTimeout = 5 * time.Second

// recordingT is a sockcheck.TestingT that keeps the failures instead of
// failing the test, so a test can check that a leak is reported and how.
type recordingT struct {
	mu       sync.Mutex
	failures []string
}

func (r *recordingT) Helper() {}

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// failure returns the only failure reported, or fails the test.
func (r *recordingT) failure(t *testing.T) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.Len(t, r.failures, 1, "failures: %q", r.failures)
	return r.failures[0]
}

// take returns the failures reported so far and forgets them.
func (r *recordingT) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.failures
	r.failures = nil
	return f
}

func (r *recordingT) passed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) == 0
}

// startServer serves "ok" on loopback until the test's cleanup.
func startServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, uint16) {
	t.Helper()
	if h == nil {
		h = func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, uint16(sockcheck.PortOf(srv))
}

// closingHandler answers with "Connection: close", so the server closes
// its end after every response.
func closingHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Connection", "close")
	io.WriteString(w, "ok")
}

// waitForState polls the census until at least count sockets of the
// selection are in the state, or fails the test after a deadline.
func waitForState(t *testing.T, sel netstat.Selector, state string, count int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		snap, err := netstat.Take(context.Background(), sel)
		require.NoError(t, err)
		n := snap.Count("", state)
		if n >= count {
			return
		}
		require.False(t, time.Now().After(deadline), "want %d %s sockets, have %d:\n%v", count, state, n, snap.Sorted())
		time.Sleep(5 * time.Millisecond)
	}
}

func lines(s string) []string { return strings.Split(s, "\n") }

// fakeTB is the part of testing.TB that NewServer and Track use. It keeps
// failures and output, and runs the cleanups, last first, when told.
type fakeTB struct {
	recordingT
	out      strings.Builder
	failed   bool
	cleanups []func()
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Output() io.Writer { return &f.out }
func (f *fakeTB) Fail()             { f.failed = true }

// cleanup runs the cleanups as testing does when the test ends.
func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.cleanups = nil
}

// failures returns everything reported, by Errorf or through Output.
func (f *fakeTB) failures() string {
	return strings.Join(append(f.take(), f.out.String()), "")
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// gcPercent reads the garbage collector's setting without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}
