package capacity_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSegment(t *testing.T) {
	seg, err := capacity.ParseSegment("2/4")
	require.NoError(t, err)
	assert.Equal(t, capacity.Segment{Index: 2, Count: 4}, seg)
	assert.Equal(t, "2/4", seg.String())
	assert.Equal(t, "0/1", capacity.Segment{}.String(), "the zero value is the whole run")
	assert.True(t, capacity.Segment{}.Whole())
	for in, msg := range map[string]string{
		"4/4": "counts from 0 to 3", "-1/4": "counts from 0 to 3", "1/0": "want between 1 and 65536 segments",
		"1": "want i/N", "a/4": "want i/N", "0/70000": "want between 1 and 65536",
	} {
		_, err := capacity.ParseSegment(in)
		assert.ErrorContains(t, err, msg, in)
	}
}

// The segments tile the run exactly, with k6's rounding: round(n·i/N).
func TestSegmentsTileTheRun(t *testing.T) {
	shares := func(n, count int) []int {
		var out []int
		next := 0
		for i := range count {
			lo, hi := capacity.Segment{Index: i, Count: count}.Range(n)
			require.Equal(t, next, lo, "segment %d/%d of %d starts where the previous ended", i, count, n)
			next = hi
			out = append(out, hi-lo)
		}
		require.Equal(t, n, next, "the segments of %d over %d cover it", n, count)
		return out
	}
	assert.Equal(t, []int{3, 4, 3}, shares(10, 3), "k6's ExecutionSegment.Scale of 10 over thirds")
	assert.Equal(t, []int{25000, 25000, 25000, 25000}, shares(100000, 4))
	assert.Equal(t, []int{1, 0, 1, 0}, shares(2, 4), "halves round up")
	for n := range 50 {
		for count := 1; count <= 9; count++ {
			for _, s := range shares(n, count) {
				assert.InDelta(t, float64(n)/float64(count), s, 1, "an even split of %d over %d", n, count)
			}
		}
	}
	assert.Equal(t, 1<<40, capacity.Segment{Index: 1, Count: 2}.Share(1<<41), "no overflow")
}

func TestShareTakesItsPartOfTheRun(t *testing.T) {
	cfg := capacity.DefaultConfig()
	cfg.Connections, cfg.Rate = 10, 1000
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.6")
	cfg.Segment = capacity.Segment{Index: 1, Count: 3}
	part := cfg.Share()
	assert.Equal(t, 4, part.Connections)
	assert.InDelta(t, 400, part.Rate, 1e-9, "the rate follows the connections, so every ramp ends together")
	assert.Equal(t, "127.0.0.3-127.0.0.4", capacity.FormatSources(part.Sources))
	assert.True(t, part.Segment.Whole())
	assert.Len(t, cfg.Sources, 6, "the whole run's list is left as it was")

	cfg.Rate, cfg.Delay = 0, 10*time.Millisecond
	assert.Equal(t, 25*time.Millisecond, cfg.Share().Delay, "4 of 10 connections, one every 25 ms: 100 ms like the others")
}

func TestValidateSegmentAndStart(t *testing.T) {
	ok := capacity.DefaultConfig()
	ok.Segment = capacity.Segment{Index: 2, Count: 4}
	ok.StartAt = time.Now().Add(time.Minute)
	ok.RunID = "bench-2026.12.01_a"
	require.NoError(t, ok.Validate())
	for _, tc := range []struct {
		name   string
		change func(*capacity.Config)
		err    string
	}{
		{"index", func(c *capacity.Config) { c.Segment.Index = 4 }, `Segment "4/4": the index counts from 0 to 3`},
		{"count", func(c *capacity.Config) { c.Segment.Count = -1 }, "want between 1 and 65536 segments"},
		{"no share", func(c *capacity.Config) { c.Connections = 3 }, `Segment "2/4": takes none of the 3 Connections; give at least 4, one per segment`},
		{"no sources", func(c *capacity.Config) { c.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.3") }, `Segment "2/4": takes none of the 3 Sources; give at least 4`},
		{"past", func(c *capacity.Config) { c.StartAt = time.Now().Add(-2 * time.Second) }, "in the past: every segment starts its ramp at that moment"},
		{"far ahead", func(c *capacity.Config) { c.StartAt = time.Now().Add(25 * time.Hour) }, "more than 1h0m0s: check the day and the time zone"},
		{"run id", func(c *capacity.Config) { c.RunID = "a b" }, `RunID "a b": want 1 to 64 letters`},
	} {
		cfg := ok
		tc.change(&cfg)
		assert.ErrorContains(t, cfg.Validate(), tc.err, tc.name)
	}
}

func TestIDIsSharedBySegmentsOfOneRun(t *testing.T) {
	at := time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC)
	cfg := capacity.DefaultConfig()
	cfg.StartAt = at
	cfg.Segment = capacity.Segment{Index: 0, Count: 4}
	other := cfg
	other.Segment.Index = 3
	assert.Equal(t, cfg.ID(), other.ID(), "segments of one run")
	assert.True(t, strings.HasPrefix(cfg.ID(), "conns-"), cfg.ID())
	other.StartAt = at.Add(time.Second)
	assert.NotEqual(t, cfg.ID(), other.ID(), "another start")
	other = cfg
	other.Connections++
	assert.NotEqual(t, cfg.ID(), other.ID(), "another size")
	other.RunID = "mine"
	assert.Equal(t, "mine", other.ID())
}

// A segment waits for StartAt, runs its share, labels its result and
// writes it as JSON that ReadResults reads back whole.
func TestSegmentRunStartsAtAndRoundTrips(t *testing.T) {
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 7)
	cfg.Hold = 100 * time.Millisecond
	cfg.Segment = capacity.Segment{Index: 1, Count: 2}
	cfg.StartAt = time.Now().Add(300 * time.Millisecond)
	res, err := capacity.Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.False(t, res.Start.Before(cfg.StartAt), "started %v, before %v", res.Start, cfg.StartAt)
	assert.Equal(t, 3, res.Connections, "round(7·2/2) - round(7·1/2) = 7 - 4")
	assert.Equal(t, 7, res.RunConnections)
	assert.Equal(t, cfg.Segment, res.Segment)
	assert.Equal(t, cfg.ID(), res.RunID)
	assert.True(t, res.Reached)
	require.NotEmpty(t, res.Timeline)
	assert.Equal(t, res.Final, res.Timeline[len(res.Timeline)-1].Counts, "the timeline ends with the final counts")

	var b bytes.Buffer
	require.NoError(t, res.WriteJSON(&b))
	require.NoError(t, res.WriteJSON(&b))
	assert.Equal(t, 2, strings.Count(b.String(), "\n"), "one line each")
	back, err := capacity.ReadResults("two.json", &b)
	require.NoError(t, err)
	require.Len(t, back, 2)
	assert.Equal(t, res.RunID, back[1].RunID)
	assert.Equal(t, res.Timeline, back[1].Timeline)
	assert.Equal(t, res.ConnectTime.P99, back[1].Histogram.Quantile(0.99))
}

func TestReadResultsRefusesOtherDocuments(t *testing.T) {
	for in, msg := range map[string]string{
		``:                               "x.json: no result in it",
		`{"format":"other","version":1}`: `has format "other", not "leaklab-conns"`,
		`{"format":"leaklab-conns","schema_version":9}`:    "result 1: has schema version 9; this leaklab reads versions 1 to 1",
		`{"format":"leaklab-conns","schema_version":1} {"`: "x.json: result 2: unexpected EOF",
		`[1]`: "x.json: result 1: is not a JSON object",
	} {
		_, err := capacity.ReadResults("x.json", strings.NewReader(in))
		assert.ErrorContains(t, err, msg, in)
	}
}

// A delay scaled past the longest Duration stays the longest, not a
// negative one (which would dial as fast as it can).
func TestShareKeepsAHugeDelayPositive(t *testing.T) {
	cfg := capacity.DefaultConfig()
	cfg.Connections, cfg.Rate, cfg.Delay = 10, 0, 1<<62
	cfg.Segment = capacity.Segment{Index: 1, Count: 4}
	assert.Equal(t, time.Duration(math.MaxInt64), cfg.Share().Delay)
}
