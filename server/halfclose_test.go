package server_test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHalfClosedClientGetsTheRealAnswer sends a request on a real socket,
// then shuts down the sending side (shutdown(SHUT_WR), as nc -N does):
// such a client still reads, so it gets the answer after the delay, never
// an empty 200 at once, and it is neither counted nor logged as gone.
func TestHalfClosedClientGetsTheRealAnswer(t *testing.T) {
	requests := map[string]string{
		"HTTP/1.0": "GET /?delay=500ms HTTP/1.0\r\n\r\n",
		"HTTP/1.1": "GET /?delay=500ms HTTP/1.1\r\nHost: leaklab\r\n\r\n",
	}
	for proto, req := range requests {
		t.Run(proto, func(t *testing.T) {
			var log syncBuffer
			s := start(t, func(c *server.Config) { c.Log = &log })
			c, err := net.DialTCP("tcp", nil, s.Addr())
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, req)
			require.NoError(t, err)
			require.NoError(t, c.CloseWrite())
			begin := time.Now()
			require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Second)))
			got, err := io.ReadAll(c)
			require.NoError(t, err)
			answer := string(got)
			assert.True(t, strings.HasPrefix(answer, proto+" 200 OK\r\n"), "status line of %q", answer)
			assert.Contains(t, answer, "answered after 500ms")
			assert.NotContains(t, answer, "Content-Length: 0\r\n")
			assert.GreaterOrEqual(t, time.Since(begin), 400*time.Millisecond, "the answer came after the delay")
			st := waitStats(t, s, func(st server.Stats) bool { return st.InFlight == 0 && st.Served == 1 })
			assert.Zero(t, st.ClientGone, "a half-closed client is still there")
			assert.NotContains(t, log.String(), "left")
		})
	}
}
