package main

import (
	"encoding/json"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCensusEngines(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	s, err := ln.Accept()
	require.NoError(t, err)
	defer s.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	for _, engine := range []string{"netlink", "gopsutil", "auto"} {
		code, out, stderr := runCLI(t, 5*time.Second, "census", "-port", port, "-engine", engine, "-format", "json")
		require.Equal(t, exitOK, code, stderr)
		var got struct {
			Listen         int
			Server, Client map[string]int
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		assert.Equal(t, 1, got.Listen, engine)
		assert.Equal(t, 1, got.Server["ESTABLISHED"], engine)
		assert.Equal(t, 1, got.Client["ESTABLISHED"], engine)
	}
	code, _, stderr := runCLI(t, 5*time.Second, "census", "-port", port, "-engine", "ss")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `-engine: unknown census engine "ss"; use auto, netlink or gopsutil`)
}
