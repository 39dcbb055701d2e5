package server_test

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValidate checks each refused setting names its field, and that
// Start refuses it before listening: a library caller gets the checks.
func TestValidate(t *testing.T) {
	require.NoError(t, server.DefaultConfig().Validate())
	cases := []struct {
		change func(*server.Config)
		field  string
		want   string
	}{
		{func(c *server.Config) { c.Addr = "8080" }, "Addr", `Addr "8080": is not host:port (missing port in address)`},
		{func(c *server.Config) { c.Addr = "127.0.0.1:70000" }, "Addr", `port "70000" is out of range`},
		{func(c *server.Config) { c.Delay = -time.Second }, "Delay", "Delay -1s: is negative"},
		{func(c *server.Config) { c.ShutdownGrace = -time.Second }, "ShutdownGrace", "ShutdownGrace -1s: is negative"},
		{func(c *server.Config) { c.MaxHeaderBytes = -1 }, "MaxHeaderBytes", "MaxHeaderBytes -1: is negative"},
		{func(c *server.Config) { c.MaxConns = -1 }, "MaxConns", "MaxConns -1: is negative"},
	}
	for _, tc := range cases {
		cfg := server.DefaultConfig()
		cfg.Addr = "127.0.0.1:0"
		tc.change(&cfg)
		err := server.New(cfg).Start()
		var fe *fielderr.Error
		require.True(t, errors.As(err, &fe), "%v", err)
		assert.Equal(t, tc.field, fe.Field)
		assert.ErrorContains(t, err, tc.want)
	}
}

// TestHeaderCutoff sends request heads around the limit: one just past
// MaxHeaderBytes is served, as net/http reads HeaderSlack bytes more; a
// head of HeaderCutoff bytes is served and one byte more gets 431.
func TestHeaderCutoff(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.MaxHeaderBytes = "127.0.0.1:0", 0, 0, 1024
	s := server.New(cfg)
	require.NoError(t, s.Start())
	defer s.Close()
	require.Equal(t, 1024+server.HeaderSlack, cfg.HeaderCutoff())
	for _, tc := range []struct {
		head, status int
	}{
		{cfg.MaxHeaderBytes + 1, http.StatusOK},
		{cfg.HeaderCutoff(), http.StatusOK},
		{cfg.HeaderCutoff() + 1, http.StatusRequestHeaderFieldsTooLarge},
	} {
		assert.Equal(t, tc.status, sendHead(t, s.Addr().String(), tc.head), "a head of %d bytes", tc.head)
	}
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

// TestHeaderCutoffDefault is net/http's 1 MiB plus the slack for 0.
func TestHeaderCutoffDefault(t *testing.T) {
	assert.Equal(t, http.DefaultMaxHeaderBytes+server.HeaderSlack, server.Config{}.HeaderCutoff())
	assert.Equal(t, server.DefaultMaxHeaderBytes+server.HeaderSlack, server.DefaultConfig().HeaderCutoff())
}
