package capacity_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSONDurationsAreSeconds checks the config, the result and its
// latencies write durations as float seconds under _seconds names, and
// read them back.
func TestJSONDurationsAreSeconds(t *testing.T) {
	cfg := capacity.DefaultConfig()
	cfg.Hold, cfg.Ping = 1500*time.Millisecond, 250*time.Millisecond
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, want := range []string{`"delay_seconds":0.01`, `"interval_seconds":1`, `"timeout_seconds":5`, `"hold_seconds":1.5`, `"max_duration_seconds":600`, `"ping_seconds":0.25`} {
		assert.Contains(t, string(b), want)
	}
	var back capacity.Config
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, cfg, back)

	res := capacity.Result{Target: cfg.Target, Reached: true, ReachedAfter: 2 * time.Second, Elapsed: 3 * time.Second,
		ConnectTime: capacity.Latency{Count: 1, Min: time.Millisecond, Avg: time.Millisecond, P50: time.Millisecond, P99: time.Millisecond, Max: time.Millisecond}}
	b, err = json.Marshal(res)
	require.NoError(t, err)
	for _, want := range []string{`"reached_after_seconds":2`, `"elapsed_seconds":3`, `"min_seconds":0.001`, `"p99_seconds":0.001`} {
		assert.Contains(t, string(b), want)
	}
	assert.NotContains(t, string(b), "_ns")
	var got capacity.Result
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, res.ReachedAfter, got.ReachedAfter)
	assert.Equal(t, res.Elapsed, got.Elapsed)
	assert.Equal(t, res.ConnectTime, got.ConnectTime)
}
