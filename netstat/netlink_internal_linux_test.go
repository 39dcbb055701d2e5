//go:build linux

package netstat

import (
	"context"
	"fmt"
	"net"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestLegacyAndPerFamilyDumpsAgree compares the one-walk legacy request
// with one SOCK_DIAG_BY_FAMILY request per family, on IPv4 and IPv6
// sockets, with and without the port filter.
func TestLegacyAndPerFamilyDumpsAgree(t *testing.T) {
	var ports []uint16
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, err := net.Listen("tcp", addr)
		require.NoError(t, err)
		defer ln.Close()
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		ports = append(ports, uint16(ln.Addr().(*net.TCPAddr).Port))
	}
	fd, err := openSockDiag()
	require.NoError(t, err)
	defer unix.Close(fd)
	defer noLegacy.Store(noLegacy.Load())
	for _, sel := range []Selector{{}, {Port: ports[0]}, {LocalPort: ports[1]}} {
		var got [2][]string
		for i, legacyOff := range []bool{false, true} {
			noLegacy.Store(legacyOff)
			d, err := dump(context.Background(), fd, stateMask(nil), portFilter(sel), nil)
			require.NoError(t, err)
			d.decode(nil)
			for j, k := range d.sockets {
				if slices.Contains(ports, k.Local.Port()) || slices.Contains(ports, k.Remote.Port()) {
					got[i] = append(got[i], fmt.Sprintf("%s %s %s %d", k.Local, k.Remote, k.State, d.inodes[j]))
				}
			}
			slices.Sort(got[i])
		}
		assert.NotEmpty(t, got[0], "%s", sel)
		assert.Equal(t, got[1], got[0], "%s: legacy and per-family dumps", sel)
	}
}
