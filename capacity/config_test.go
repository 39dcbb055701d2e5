package capacity_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		err  string
	}{
		{"1000/s", 1000, ""},
		{"1000", 1000, ""},
		{"50/ms", 50000, ""},
		{"3000/m", 50, ""},
		{"2.5/s", 2.5, ""},
		{"0/s", 0, "want a positive number"},
		{"-5", 0, "want a positive number"},
		{"fast", 0, "want a positive number"},
		{"10/d", 0, `unknown unit "d"`},
	} {
		got, err := capacity.ParseRate(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.InDelta(t, tc.want, got, 1e-9, tc.in)
	}
}

func TestParseSources(t *testing.T) {
	got, err := capacity.ParseSources("127.0.0.1, 127.0.0.3-127.0.0.5,127.0.0.1")
	require.NoError(t, err)
	want := []string{"127.0.0.1", "127.0.0.3", "127.0.0.4", "127.0.0.5"}
	require.Len(t, got, len(want))
	for i, a := range got {
		assert.Equal(t, want[i], a.String())
	}
	assert.Equal(t, "127.0.0.1,127.0.0.3-127.0.0.5", capacity.FormatSources(got))

	empty, err := capacity.ParseSources("")
	require.NoError(t, err)
	assert.Empty(t, empty)

	for in, msg := range map[string]string{
		"127.0.0.300":          "give addresses like 127.0.0.2",
		"127.0.0.9-127.0.0.2":  "the end must not be below the start",
		"127.0.0.1-::1":        "in the same IP version",
		"127.0.0.1-127.0.0.x":  "write it like 127.0.0.2-127.0.0.9",
		"127.0.0.0-127.0.64.0": "more than 4096 addresses",
	} {
		_, err := capacity.ParseSources(in)
		assert.ErrorContains(t, err, msg, in)
	}
}

func TestValidate(t *testing.T) {
	ok := capacity.DefaultConfig()
	require.NoError(t, ok.Validate())
	for _, tc := range []struct {
		name   string
		change func(*capacity.Config)
		err    string
	}{
		{"remote target", func(c *capacity.Config) { c.Target = "10.1.2.3:80" }, "not a loopback address"},
		{"host name", func(c *capacity.Config) { c.Target = "example.com:80" }, "is not an IP address"},
		{"no port", func(c *capacity.Config) { c.Target = "127.0.0.1" }, "give host:port"},
		{"port 0", func(c *capacity.Config) { c.Target = "127.0.0.1:0" }, "between 1 and 65535"},
		{"no connections", func(c *capacity.Config) { c.Connections = 0 }, "want at least 1"},
		{"mode", func(c *capacity.Config) { c.Mode = "udp" }, `Mode "udp": want`},
		{"negative delay", func(c *capacity.Config) { c.Delay = -time.Second }, "Delay -1s: want 0 or a positive"},
		{"zero timeout", func(c *capacity.Config) { c.Timeout = 0 }, "Timeout 0s: want a positive"},
		{"hold past max", func(c *capacity.Config) { c.Hold = time.Hour }, "Hold 1h0m0s: is not shorter than MaxDuration"},
		{"slow ramp", func(c *capacity.Config) { c.Connections = 100000 }, "takes 16m40s, more than MaxDuration"},
		{"auto and reopen", func(c *capacity.Config) { c.Auto, c.Reopen = true, true }, "do not combine"},
		{"rate too high", func(c *capacity.Config) { c.Rate = 1e31 }, "want between one a day and 1000000000/s"},
		{"rate too low", func(c *capacity.Config) { c.Rate = 1e-9 }, "want between one a day"},
		{"ramp past any bound", func(c *capacity.Config) { c.Delay = 1 << 62 }, "takes 2562047h47m16.854775807s, more than MaxDuration"},
		{"path", func(c *capacity.Config) { c.Path = "ping" }, "starting with /"},
		{"remote source", func(c *capacity.Config) { c.Sources = []netip.Addr{netip.MustParseAddr("10.0.0.1")} }, `Sources "10.0.0.1": source is not a loopback`},
		{"source family", func(c *capacity.Config) { c.Sources = []netip.Addr{netip.MustParseAddr("::1")} }, "same IP version"},
	} {
		cfg := ok
		tc.change(&cfg)
		assert.ErrorContains(t, cfg.Validate(), tc.err, tc.name)
	}
	remote := ok
	remote.Target, remote.AllowRemote = "10.1.2.3:80", true
	assert.NoError(t, remote.Validate(), "allowed, never dialled here")
}

func TestCheckLimits(t *testing.T) {
	files := capacity.FileLimit{Soft: 20000, Hard: 20000}
	ports := capacity.PortRange{Low: 32768, High: 60999}
	cfg := capacity.DefaultConfig()
	cfg.Connections = 19968
	assert.NoError(t, cfg.CheckLimits(files, ports, 1))
	cfg.Connections = 19969
	assert.ErrorContains(t, cfg.CheckLimits(files, ports, 1), "19969 connections per process need 20001 open files, but the open-files limit 20000 (hard limit 20000) leaves room for 19968")
	assert.ErrorContains(t, cfg.CheckLimits(files, ports, 1), "-workers 2")
	cfg.Connections = 40000
	assert.ErrorContains(t, cfg.CheckLimits(files, ports, 4), "40000 connections per source address (40000 over 1) to one target exceed the ephemeral port range 32768-60999 (28232 ports)")
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.2")
	assert.NoError(t, cfg.CheckLimits(files, ports, 4))
}

func TestSplitSharesTheRun(t *testing.T) {
	cfg := capacity.DefaultConfig()
	cfg.Connections, cfg.Rate = 10, 900
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.3")
	parts := cfg.Split(3)
	require.Len(t, parts, 3)
	assert.Equal(t, []int{4, 3, 3}, []int{parts[0].Connections, parts[1].Connections, parts[2].Connections})
	assert.InDelta(t, 300, parts[1].Rate, 1e-9)
	assert.Equal(t, "127.0.0.2", parts[1].Sources[0].String())
	assert.Len(t, parts[1].Sources, 3)
}

func TestHistogramQuantilesAndMerge(t *testing.T) {
	var h capacity.Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	s := h.Summary()
	assert.EqualValues(t, 1000, s.Count)
	assert.Equal(t, time.Microsecond, s.Min)
	assert.Equal(t, time.Millisecond, s.Max)
	assert.InEpsilon(t, 500*time.Microsecond, s.P50, 0.02)
	assert.InEpsilon(t, 990*time.Microsecond, s.P99, 0.02)
	assert.InEpsilon(t, 500500*time.Nanosecond, s.Avg, 0.001)

	b, err := json.Marshal(&h)
	require.NoError(t, err)
	var back capacity.Histogram
	require.NoError(t, json.Unmarshal(b, &back))
	back.Merge(&h)
	assert.EqualValues(t, 2000, back.Count())
	assert.Equal(t, s.P99, back.Quantile(0.99))
	assert.Equal(t, "min 1µs avg 501µs p50 504µs p99 991µs max 1ms", s.String())
}

func TestWriteTableAndJSON(t *testing.T) {
	r := capacity.Result{
		Target: "127.0.0.1:8080", Mode: capacity.ModeTCP, Connections: 3, Workers: 1,
		Final: capacity.Counts{Total: 3, Established: 2, Error: 1}, Peak: 2, StopReason: "held for 1s",
		Errors: 1, ErrorsByCause: map[string]int64{"refused": 1},
		ErrorExamples: map[string]string{"refused": "dial tcp 127.0.0.1:8080: connect: connection refused"},
	}
	var out bytes.Buffer
	require.NoError(t, r.WriteTable(&out))
	for _, want := range []string{
		"tcp to 127.0.0.1:8080", "held for 1s", "Total: 3, Dialing: 0, Established: 2, Closed: 0, Error: 1, NotInitiated: 0",
		"2 of 3, not reached", "refused", "nothing listens at the target",
	} {
		assert.Contains(t, out.String(), want)
	}
	out.Reset()
	require.NoError(t, r.WriteJSON(&out))
	var back capacity.Result
	require.NoError(t, json.Unmarshal(out.Bytes(), &back))
	assert.Equal(t, r.Final, back.Final)
	assert.Equal(t, r.ErrorsByCause, back.ErrorsByCause)
}
