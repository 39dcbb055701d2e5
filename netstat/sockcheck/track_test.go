package sockcheck_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ok(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }

// Whatever the test does to close the server, the check runs first.
func TestNewServerPassesAFixedClientWhateverClosesTheServer(t *testing.T) {
	closers := map[string]func(t *testing.T, srv *httptest.Server){
		"defer":        func(*testing.T, *httptest.Server) {}, // closed by the test body below
		"cleanup":      func(t *testing.T, srv *httptest.Server) { t.Cleanup(srv.Close) },
		"no close":     func(*testing.T, *httptest.Server) {},
		"srv.Client()": func(*testing.T, *httptest.Server) {},
	}
	for name, register := range closers {
		t.Run(name, func(t *testing.T) {
			srv := sockcheck.NewServer(t, http.HandlerFunc(ok))
			if name == "defer" {
				defer srv.Close()
			}
			register(t, srv)
			if name == "srv.Client()" { // its idle connections are closed with the server
				require.NoError(t, getAndDrain(srv.Client(), srv.URL))
				return
			}
			client := newFixedClient()
			defer client.CloseIdleConnections()
			getAll(t, client, srv.URL, 2, 6)
		})
	}
}

// The leak is caught in both orders: the test's defer srv.Close() runs
// before every cleanup, and its t.Cleanup(srv.Close) before NewServer's.
func TestNewServerCatchesALeakWhateverClosesTheServer(t *testing.T) {
	for _, order := range []string{"defer srv.Close()", "t.Cleanup(srv.Close)", "no close"} {
		t.Run(order, func(t *testing.T) {
			leak := &transportPerRequest{}
			t.Cleanup(leak.release)
			ft := &fakeTB{}
			var port int
			func() {
				srv := sockcheck.NewServer(ft, http.HandlerFunc(ok), sockcheck.Timeout(failFast))
				port = sockcheck.PortOf(srv)
				switch order {
				case "defer srv.Close()":
					defer srv.Close()
				case "t.Cleanup(srv.Close)":
					ft.Cleanup(srv.Close)
				}
				for range 2 {
					leak.get(t, srv.URL)
				}
			}()
			ft.cleanup()
			msg := ft.failures()
			assert.True(t, ft.failed, msg)
			assert.Contains(t, msg, "sockcheck: 2 sockets still open after 300ms, when the server began to close: ESTABLISHED=2\n")
			assert.Contains(t, msg, fmt.Sprintf("selection: pid %d, port %d, states [ESTABLISHED CLOSE_WAIT]", pid, port))
			assert.Contains(t, msg, fmt.Sprintf("hint: 2 ESTABLISHED to 127.0.0.1:%d: idle keep-alive sockets to the same host", port))
			assert.NotContains(t, msg, "    server ", "the server's ends net/http manages are left out")
		})
	}
}

// A failure points at the closing brace of the test function, where the
// check runs, not at the line that set it up.
func TestNewServerPointsAtTheEndOfTheTest(t *testing.T) {
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	ft := &fakeTB{}
	t.Run("leaks", func(t *testing.T) {
		srv := sockcheck.NewServer(ft, http.HandlerFunc(ok), sockcheck.Timeout(failFast))
		leak.get(t, srv.URL)
	})
	_, _, next, _ := runtime.Caller(0)
	ft.cleanup()
	out := ft.out.String()
	assert.True(t, strings.HasPrefix(out, fmt.Sprintf("track_test.go:%d: sockcheck: 1 socket still open", next-1)), out)
	assert.Contains(t, out, "\n    selection: pid", "continuation lines indented as testing does")
	assert.Empty(t, ft.take(), "reported through Output, not Errorf")
}

// With a TB that has no Output, the failure goes through Errorf.
func TestTrackReportsThroughErrorfWithoutOutput(t *testing.T) {
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	tb := &cleanupOnly{recordingT: &recordingT{}}
	srv := sockcheck.NewServer(tb, http.HandlerFunc(ok), sockcheck.Timeout(failFast))
	leak.get(t, srv.URL)
	tb.cleanup()
	assert.Contains(t, tb.failure(t), "sockcheck: 1 socket still open after 300ms, when the server began to close")
}

type cleanupOnly struct {
	*recordingT
	cleanups []func()
}

func (c *cleanupOnly) Cleanup(fn func()) { c.cleanups = append(c.cleanups, fn) }
func (c *cleanupOnly) cleanup() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
}

func TestTrackRefusesAStartedServer(t *testing.T) {
	srv, _ := startServer(t, nil)
	ft := &fakeTB{}
	sockcheck.Track(ft, srv)
	assert.Contains(t, ft.failure(t), "the server is already started, too late to check it before it closes; create it with httptest.NewUnstartedServer, call Track, then Start, or use sockcheck.NewServer")
	assert.Empty(t, ft.cleanups)
}

// hijacker takes over every connection, answers by hand and keeps the
// connection open after the handler returns.
type hijacker struct{ conns chan net.Conn }

func (h hijacker) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	c, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	h.conns <- c // before the answer: once the client has it, the test may release
	fmt.Fprint(rw, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	rw.Flush()
}

func (h hijacker) release() {
	close(h.conns)
	for c := range h.conns {
		c.Close()
	}
}

func TestTrackNamesAHijackedConnectionLeftOpen(t *testing.T) {
	h := hijacker{conns: make(chan net.Conn, 1)}
	t.Cleanup(h.release)
	ft := &fakeTB{}
	srv := sockcheck.NewServer(ft, h, sockcheck.Timeout(failFast))
	client := newFixedClient()
	require.NoError(t, getAndDrain(client, srv.URL))
	client.CloseIdleConnections() // the client leaves; the hijacked end stays
	ft.cleanup()
	msg := ft.failures()
	assert.Contains(t, msg, "CLOSE_WAIT=1")
	assert.Contains(t, msg, "hint: 1 CLOSE_WAIT server side: a connection a handler hijacked (http.Hijacker) is still open")
	assert.NotContains(t, msg, "a handler still running after the client left")
}
