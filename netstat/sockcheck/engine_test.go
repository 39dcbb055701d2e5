package sockcheck

import (
	"context"
	"runtime"
	"testing"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEngineOption(t *testing.T) {
	p, err := loopback.Open(3)
	require.NoError(t, err)
	defer p.Close()
	engines := []netstat.Engine{netstat.EngineAuto, netstat.EngineGopsutil}
	if runtime.GOOS == "linux" {
		engines = append(engines, netstat.EngineNetlink)
	}
	for _, e := range engines {
		c, err := newConfig([]Option{Engine(e), Port(p.Port())})
		require.NoError(t, err)
		s, err := takeSample(context.Background(), c)
		require.NoError(t, err)
		assert.Len(t, s.open, 6, "%s engine: both ends of 3 connections", e)
	}
	_, err = newConfig([]Option{Engine("ss")})
	assert.ErrorContains(t, err, `sockcheck.Engine("ss"): unknown census engine "ss"`)
}
