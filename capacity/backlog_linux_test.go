package capacity_test

import (
	"context"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The listen backlog's exact count of completed handshakes, and the SYNs
// dropped past it, are Linux's behaviour.

func TestAutoStopsAtTheListenBacklog(t *testing.T) {
	cfg := testConfig(backlogListener(t, 4), 0)
	cfg.Auto = true
	cfg.DialConcurrency = 1              // one handshake at a time: the backlog holds exactly 4
	cfg.Timeout = 200 * time.Millisecond // a handshake the backlog takes is never that late
	cfg.FailAfter = 3
	r, err := capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, 4, r.Peak)
	assert.Equal(t, 4, r.Final.Established)
	assert.Equal(t, 3, r.Final.Error)
	assert.LessOrEqual(t, r.Final.Dialing, 1, "the dial after the third failure may be under way")
	assert.Equal(t, map[string]int64{"connect timeout": 3}, r.ErrorsByCause)
	assert.Contains(t, r.StopReason, "3 failures without a new peak, the last one connect timeout")
	assert.NoError(t, r.Check(-1))
}

// backlogListener listens on 127.0.0.1 with a listen backlog of k-1 and
// never accepts: the kernel completes exactly k handshakes into its accept
// queue and drops the SYNs after them, so dials time out.
func backlogListener(t *testing.T, k int) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, syscall.Listen(fd, k-1))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*syscall.SockaddrInet4).Port)).String()
}
