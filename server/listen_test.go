package server_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReusePortSharesAPort(t *testing.T) {
	if runtime.GOOS != "linux" {
		cfg := server.DefaultConfig()
		cfg.Addr, cfg.ReusePort = "127.0.0.1:0", true
		err := server.New(cfg).Start()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not supported on "+runtime.GOOS)
		return
	}
	first := start(t, func(c *server.Config) { c.ReusePort = true })
	addr := first.Addr().String()

	second := start(t, func(c *server.Config) { c.Addr, c.ReusePort = addr, true })
	assert.Equal(t, addr, second.Addr().String())

	cfg := server.DefaultConfig()
	cfg.Addr, cfg.ShutdownGrace = addr, time.Second
	err := server.New(cfg).Start()
	require.Error(t, err, "a listener without SO_REUSEPORT may not join")
	assert.Contains(t, err.Error(), "address already in use")
}

func TestMemoryPerConnectionIsGrowthSinceStart(t *testing.T) {
	s := start(t, nil)
	c, _ := client(t)
	get(t, c, s.URL()+"ping")
	m := s.Stats(t.Context()).Memory
	assert.Positive(t, m.StackBytes)
	assert.Positive(t, m.RSSPerConnBytes, "the whole process over one connection")
	assert.Less(t, m.GoPerConnBytes, m.HeapBytes+m.StackBytes, "the growth excludes the process's baseline")
}
