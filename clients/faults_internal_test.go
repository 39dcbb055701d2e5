//go:build unix

package clients

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneSourcePort returns a dialer that dials from 127.0.0.1 and one fixed
// port, with SO_REUSEADDR so that the bind itself succeeds: to one target
// it holds a single 4-tuple, so a second connection at once fails in
// connect() with EADDRNOTAVAIL, as when the ephemeral ports run out.
func oneSourcePort(t *testing.T) net.Dialer {
	t.Helper()
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := probe.Addr().(*net.TCPAddr).Port
	require.NoError(t, probe.Close())
	return net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port},
		Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
			})
			if err != nil {
				return err
			}
			return serr
		},
	}
}

// TestRunCountsOutOfEphemeralPorts runs the faulty client from a single
// source port: its first connection leaks and holds the only 4-tuple, and
// every later dial gets the kernel's EADDRNOTAVAIL, counted by its name.
func TestRunCountsOutOfEphemeralPorts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	f := &faulty{}
	f.conns.dialer = oneSourcePort(t)
	defer f.Close()
	cfg := LoadConfig{Target: srv.URL + "/", Interval: 5 * time.Millisecond, Extra: 1,
		Duration: 100 * time.Millisecond, Seed: 1, DrainTimeout: 5 * time.Second}
	res, err := Run(context.Background(), f, cfg)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.OK, "one connection fits in one 4-tuple: %v", res.ErrorsByCause)
	assert.Equal(t, res.Requests-1, res.ErrorsByCause[neterr.NoPorts], "every later dial is out of ports: %v", res.ErrorsByCause)
	assert.Equal(t, res.Errors, res.ErrorsByCause[neterr.NoPorts])
}
