package netstat_test

import (
	"net/netip"
	"testing"

	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
)

func TestLocalAddrSelectsTheListenersAddresses(t *testing.T) {
	sock := func(local string) netstat.Socket {
		return netstat.Socket{Local: netip.MustParseAddrPort(local), Remote: netip.MustParseAddrPort("127.0.0.9:40000"), State: netstat.Established}
	}
	cases := []struct {
		listener, local string
		want            bool
	}{
		{"127.0.0.1", "127.0.0.1:8080", true},
		{"127.0.0.1", "[::1]:8080", false},
		{"127.0.0.1", "127.0.0.2:8080", false},
		{"::1", "[::1]:8080", true},
		{"::1", "127.0.0.1:8080", false},
		{"0.0.0.0", "127.0.0.2:8080", true},
		{"0.0.0.0", "[::1]:8080", false},
		{"::", "[::1]:8080", true},
		{"::", "127.0.0.1:8080", true}, // dual-stack
		{"::ffff:127.0.0.1", "127.0.0.1:8080", true},
	}
	for _, tc := range cases {
		sel := netstat.Selector{LocalPort: 8080, LocalAddr: netip.MustParseAddr(tc.listener)}
		assert.Equal(t, tc.want, sel.Match(sock(tc.local)), "listener %s, socket %s", tc.listener, tc.local)
	}
	assert.Equal(t, "local port 8080, local address 127.0.0.1",
		netstat.Selector{LocalPort: 8080, LocalAddr: netip.MustParseAddr("127.0.0.1")}.String())
}
