package netstat

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runBytecode runs a port filter as the kernel does (inet_diag_bc_run,
// net/ipv4/inet_diag.c) on a socket with these ports.
func runBytecode(bc []byte, sport, dport uint16) bool {
	ne := binary.NativeEndian
	for len(bc) > 0 {
		code, yes, no := bc[0], int(bc[1]), int(ne.Uint16(bc[2:]))
		ok := true
		switch code {
		case bcJmp:
			ok = false
		case bcSCond, bcDCond:
			port := uint16(ne.Uint32(bc[8:]))
			ok = code == bcSCond && port == sport || code == bcDCond && port == dport
		}
		jump := yes
		if !ok {
			jump = no
		}
		if jump > len(bc) {
			return false
		}
		bc = bc[jump:]
	}
	return true
}

// auditBytecode checks a filter as the kernel does before running it
// (inet_diag_bc_audit): every jump aligned and in range, every no jump
// landing on an op reached along the yes jumps (valid_cc).
func auditBytecode(bc []byte) error {
	ne := binary.NativeEndian
	for rest := len(bc); rest > 0; {
		op := bc[len(bc)-rest:]
		yes, no := int(op[1]), int(ne.Uint16(op[2:]))
		min := bcOpBytes
		if op[0] != bcJmp {
			min = bcCondBytes
		}
		if no < min || no > rest+4 || no&3 != 0 || yes < min || yes > rest+4 || yes&3 != 0 {
			return fmt.Errorf("op at %d: yes %d, no %d out of range", len(bc)-rest, yes, no)
		}
		if no < rest && !reachable(bc, rest-no) {
			return fmt.Errorf("op at %d: no %d lands inside an op", len(bc)-rest, no)
		}
		rest -= yes
	}
	return nil
}

func reachable(bc []byte, cc int) bool {
	for rest := len(bc); rest >= cc; rest -= int(bc[len(bc)-rest+1]) {
		if rest == cc {
			return true
		}
		if rest == 0 {
			break
		}
	}
	return false
}

func TestPortFilterAgreesWithSelector(t *testing.T) {
	sels := []Selector{
		{Port: 80}, {LocalPort: 80}, {RemotePort: 80},
		{Port: 80, LocalPort: 80}, {Port: 80, RemotePort: 443}, {LocalPort: 80, RemotePort: 443},
		{Port: 80, LocalPort: 443, RemotePort: 8080},
	}
	ports := []uint16{0, 80, 443, 8080}
	for _, sel := range sels {
		bc := portFilter(sel)
		require.NoError(t, auditBytecode(bc), "%s", sel)
		for _, sp := range ports {
			for _, dp := range ports {
				k := Socket{Local: netip.AddrPortFrom(netip.IPv4Unspecified(), sp), Remote: netip.AddrPortFrom(netip.IPv4Unspecified(), dp)}
				assert.Equal(t, sel.Match(k), runBytecode(bc, sp, dp), "%s: local port %d, remote port %d", sel, sp, dp)
			}
		}
	}
	assert.Nil(t, portFilter(Selector{Pid: 1}), "no port, no filter")
}
