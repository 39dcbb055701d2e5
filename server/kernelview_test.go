package server_test

import (
	"bufio"
	"context"
	"net"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holder runs testdata/holder.py, a server of another process on host:port
// that never closes a connection, and returns its pid; it stops with the
// test. It skips the test when python3 is missing or the port is taken.
func holder(t *testing.T, host string, port int, mode string) int32 {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is needed for a server of another process")
	}
	cmd := exec.Command(py, "testdata/holder.py", host, strconv.Itoa(port), mode)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	if !strings.HasPrefix(line, "listening") {
		t.Skipf("the other process could not listen on %s port %d: %s", host, port, line)
	}
	return int32(cmd.Process.Pid)
}

// leaveCloseWait dials addr n times and closes each connection after the
// other side accepted it; the holder's ends then stay in CLOSE_WAIT.
func leaveCloseWait(t *testing.T, addr string, n int, pid int32) {
	t.Helper()
	for range n {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	require.Eventually(t, func() bool {
		snap, err := netstat.Take(context.Background(), netstat.Selector{Pid: pid})
		return err == nil && snap.Counts().Server[netstat.CloseWait] > 0
	}, 20*time.Second, 50*time.Millisecond, "the other process holds CLOSE_WAIT sockets")
}

// TestKernelViewIsTheServersAddress runs the server on 127.0.0.1:P and
// another process's server on [::1]:P holding CLOSE_WAIT sockets: the
// server's kernel view (/stats, the report line, /metrics) counts none of
// them.
func TestKernelViewIsTheServersAddress(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback")
	} else {
		ln.Close()
	}
	s := start(t, nil)
	pid := holder(t, "::1", int(s.Port()), "plain")
	leaveCloseWait(t, net.JoinHostPort("::1", strconv.Itoa(int(s.Port()))), 12, pid)
	st := s.Stats(context.Background())
	assert.Zero(t, st.Kernel[netstat.CloseWait], "another process's sockets at another address: %s", st.Line())
	assert.NotContains(t, st.Line(), "CLOSE_WAIT")
}

// TestKernelViewIsTheServersProcess shares the server's address and port
// with another process (SO_REUSEPORT): the kernel spreads the connections
// over both, and the server's view counts only the sockets it owns.
func TestKernelViewIsTheServersProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SO_REUSEPORT sharing is Linux only here")
	}
	s := start(t, func(c *server.Config) { c.ReusePort = true })
	pid := holder(t, "127.0.0.1", int(s.Port()), "reuseport")
	leaveCloseWait(t, s.Addr().String(), 24, pid)
	st := s.Stats(context.Background())
	assert.Zero(t, st.Kernel[netstat.CloseWait], "another process's sockets on the same address: %s", st.Line())
}
