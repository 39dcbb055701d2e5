package sockcheck

import (
	"net/netip"
	"testing"

	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
)

func socket(side netstat.Side, state, local, remote string) netstat.Socket {
	return netstat.Socket{
		Side: side, State: state, Pid: 42,
		Local: netip.MustParseAddrPort(local), Remote: netip.MustParseAddrPort(remote),
	}
}

func TestDiagnoseNamesTheLikelyCause(t *testing.T) {
	const server = "127.0.0.1:8080"
	client := func(state, local string) netstat.Socket {
		return socket(netstat.SideClient, state, local, server)
	}
	accepted := func(state, remote string) netstat.Socket {
		return socket(netstat.SideServer, state, server, remote)
	}
	cases := []struct {
		name    string
		sockets []netstat.Socket
		want    map[symptom]string
	}{
		{"one idle client connection",
			[]netstat.Socket{client(netstat.Established, "127.0.0.1:50001")},
			map[symptom]string{clientStillOpen: "1 ESTABLISHED client side"}},
		{"several to one host, both ends in this process",
			[]netstat.Socket{
				client(netstat.Established, "127.0.0.1:50001"), accepted(netstat.Established, "127.0.0.1:50001"),
				client(netstat.Established, "127.0.0.1:50002"), accepted(netstat.Established, "127.0.0.1:50002"),
				socket(netstat.SideClient, netstat.Established, "127.0.0.1:50003", "127.0.0.1:9090"),
			},
			map[symptom]string{idleToOneHost: "2 ESTABLISHED to 127.0.0.1:8080"}},
		{"only the server's end",
			[]netstat.Socket{accepted(netstat.Established, "10.0.0.7:50001")},
			map[symptom]string{serverStillOpen: "1 ESTABLISHED server side"}},
		{"close wait on both sides",
			[]netstat.Socket{client(netstat.CloseWait, "127.0.0.1:50001"), accepted(netstat.CloseWait, "127.0.0.1:50002")},
			map[symptom]string{clientCloseWait: "1 CLOSE_WAIT client side", serverCloseWait: "1 CLOSE_WAIT server side"}},
		{"time wait",
			[]netstat.Socket{client(netstat.TimeWait, "127.0.0.1:50001"), client(netstat.TimeWait, "127.0.0.1:50002")},
			map[symptom]string{timeWaitPilesUp: "2 TIME_WAIT client side"}},
		{"closing",
			[]netstat.Socket{client(netstat.FinWait2, "127.0.0.1:50001")},
			map[symptom]string{otherStateRemains: "1 FIN_WAIT2 client side"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, diagnose(tc.sockets, unknown))
		})
	}
}

// What a check knows beyond the sockets tells the causes of a server-side
// CLOSE_WAIT apart.
func TestDiagnoseUsesWhatTheCheckKnows(t *testing.T) {
	closeWait := socket(netstat.SideServer, netstat.CloseWait, "127.0.0.1:8080", "127.0.0.1:50001")
	open := []netstat.Socket{closeWait}
	hijacked := func(k conn) bool { return k == connOf(closeWait) }
	cases := []struct {
		name string
		f    facts
		want symptom
	}{
		{"another process", unknown, serverCloseWait},
		{"a handler is running", facts{handlers: 2}, handlerAfterLeft},
		{"no handler is running", facts{handlers: 0}, connNeverClosed},
		{"hijacked, as Track knows", facts{hijacked: hijacked, handlers: 1}, hijackedOpen},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, map[symptom]string{tc.want: "1 CLOSE_WAIT server side"}, diagnose(open, tc.f))
		})
	}
}

func TestEverySymptomHasAHintInOrder(t *testing.T) {
	assert.Len(t, symptomOrder, len(hints))
	for _, s := range symptomOrder {
		assert.NotEmpty(t, hints[s], "hint for %s", s)
	}
	assert.Contains(t, hints[idleToOneHost], "a Transport per request? see docs/01-new-client-per-request.md")
}
