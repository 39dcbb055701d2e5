//go:build unix

package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMaxHeaderBytesHelpSaysTheCutOff reads where -max-header-bytes says
// 431 starts, then runs the server with it: a head just past the flag's
// value is served, as the help says, one of the value plus the slack it
// names is served, and one byte more gets 431.
func TestMaxHeaderBytesHelpSaysTheCutOff(t *testing.T) {
	code, _, help := runCLI(t, 5*time.Second, "server", "-h")
	require.Equal(t, exitOK, code)
	m := regexp.MustCompile(`net/http reads (\d+) bytes more, so a request line and headers longer than this plus (\d+) bytes get 431`).FindStringSubmatch(help)
	require.NotNil(t, m, "the help of -max-header-bytes says where 431 starts:\n%s", help)
	slack, err := strconv.Atoi(m[2])
	require.NoError(t, err)
	assert.Equal(t, m[1], m[2])

	const limit = 1024
	addr := startServerCommand(t, "-max-header-bytes", strconv.Itoa(limit))
	for _, tc := range []struct {
		head, status int
	}{
		{limit + 1, http.StatusOK},
		{limit + slack, http.StatusOK},
		{limit + slack + 1, http.StatusRequestHeaderFieldsTooLarge},
	} {
		assert.Equal(t, tc.status, sendHead(t, addr, tc.head), "a request head of %d bytes with -max-header-bytes %d", tc.head, limit)
	}
}

// startServerCommand runs leaklab server on a free loopback port until
// the test ends, and returns its address.
func startServerCommand(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, append([]string{"server", "-addr", "127.0.0.1:0", "-report-every", "0", "-delay", "0"}, args...), &out, &out)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var port string
	require.Eventually(t, func() bool {
		m := listeningLine.FindStringSubmatch(out.String())
		if m != nil {
			port = m[1]
		}
		return m != nil
	}, lineTimeout, 10*time.Millisecond, "the server says where it listens:\n%s", out.String())
	return "127.0.0.1:" + port
}

// sendHead sends a GET whose head (request line, headers, CRLFs and the
// blank line) is size bytes, and returns the status of the answer.
func sendHead(t *testing.T, addr string, size int) int {
	t.Helper()
	const start, end = "GET /ping HTTP/1.1\r\nHost: x\r\nX-Pad: ", "\r\n\r\n"
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	_, err = c.Write([]byte(start + strings.Repeat("a", size-len(start)-len(end)) + end))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}
