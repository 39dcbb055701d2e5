package merge_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/capacity/merge"
	"github.com/leaklab/leaklab/internal/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC)

// segment is the result of segment i of n of a run of conns connections
// that started at t0+offset, held every connection, and took the given
// connect times; it has a sample every 100 ms for a second.
func segment(i, n, conns int, offset time.Duration, times ...time.Duration) merge.Part {
	seg := capacity.Segment{Index: i, Count: n}
	share := seg.Share(conns)
	h := &capacity.Histogram{}
	for _, d := range times {
		h.Record(d)
	}
	r := capacity.Result{
		RunID: "run-a", Segment: seg, RunConnections: conns, Host: "host" + string(rune('0'+i)),
		StartAt: t0, Start: t0.Add(offset), Interval: 100 * time.Millisecond,
		Target: "198.18.0.1:8080", Mode: capacity.ModeHTTP, Connections: share, Workers: 1,
		Final: capacity.Counts{Total: share, Established: share}, Peak: share, Reached: true,
		ReachedAfter: 200 * time.Millisecond, Rate: float64(share) / 0.2, Dials: int64(share), Established: int64(share),
		Histogram: h, ConnectTime: h.Summary(), Elapsed: time.Second, StopReason: "held for 800ms",
		Memory: capacity.Memory{RSSGrowthBytes: uint64(share) * 4096, Conns: share, PerConnBytes: 4096},
	}
	for k := 1; k <= 10; k++ {
		est := min(share, share*k/2) // half at 100 ms, all from 200 ms
		r.Timeline = append(r.Timeline, capacity.Sample{At: time.Duration(k) * 100 * time.Millisecond,
			Counts: capacity.Counts{Total: share, Established: est, NotInitiated: share - est}})
	}
	return merge.Part{Source: "seg-" + seg.String(), Result: r}
}

func parts(n, conns int) []merge.Part {
	var out []merge.Part
	for i := range n {
		out = append(out, segment(i, n, conns, 0, time.Millisecond))
	}
	return out
}

func TestMergeRefusesMixedRuns(t *testing.T) {
	ps := parts(3, 300)
	ps[2].RunID = "run-b"
	_, err := merge.Merge(ps)
	assert.ErrorContains(t, err, `results of 2 runs are mixed: run "run-a" (seg-0/3, seg-1/3), run "run-b" (seg-2/3); merge the segments of one run at a time`)
}

func TestMergeRefusesMissingSegments(t *testing.T) {
	ps := parts(4, 400)
	_, err := merge.Merge([]merge.Part{ps[0], ps[2]})
	assert.ErrorContains(t, err, `run "run-a" has 4 segments, but 1/4, 3/4 are missing; merge the results of all 4`)
	_, err = merge.Merge(ps[1:4])
	assert.ErrorContains(t, err, "but 0/4 is missing")
}

func TestMergeRefusesDuplicatedSegments(t *testing.T) {
	ps := parts(2, 200)
	dup := ps[1]
	dup.Source = "copy.json"
	_, err := merge.Merge(append(ps, dup))
	assert.ErrorContains(t, err, `segment 1/2 of run "run-a" appears twice, in seg-1/2 and in copy.json; give each segment's result once`)
}

func TestMergeRefusesSegmentsOfAnotherShape(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*merge.Part)
		err    string
	}{
		"count":  {func(p *merge.Part) { p.Segment.Count = 3 }, "disagree on the number of segments: 2 in seg-0/2 (segment 0/2), 3 in seg-1/2 (segment 1/3)"},
		"target": {func(p *merge.Part) { p.Target = "198.18.0.2:8080" }, "disagree on the target"},
		"start":  {func(p *merge.Part) { p.StartAt = t0.Add(time.Minute) }, "disagree on the start time (start-at)"},
		"share":  {func(p *merge.Part) { p.Connections++ }, "seg-1/2: segment 1/2 has 101 connections, but its share of 200 is 100"},
	} {
		ps := parts(2, 200)
		tc.change(&ps[1])
		_, err := merge.Merge(ps)
		assert.ErrorContains(t, err, tc.err, name)
	}
	_, err := merge.Merge(nil)
	assert.ErrorContains(t, err, "no results to merge")
}

// Percentiles come from the merged histograms: the same as one histogram
// of every connection, and far from the average of the segments'.
func TestMergedPercentilesAreExactNotAveraged(t *testing.T) {
	var fast, slow []time.Duration
	all := &capacity.Histogram{}
	for i := 1; i <= 1000; i++ {
		fast = append(fast, time.Duration(i)*10*time.Microsecond) // 10 µs .. 10 ms
		all.Record(fast[len(fast)-1])
	}
	for i := 1; i <= 100; i++ {
		slow = append(slow, 500*time.Millisecond+time.Duration(i)*time.Millisecond) // 501 .. 600 ms
		all.Record(slow[len(slow)-1])
	}
	a, b := segment(0, 2, 200, 0, fast...), segment(1, 2, 200, 0, slow...)
	run, err := merge.Merge([]merge.Part{b, a})
	require.NoError(t, err)
	got := run.Total.ConnectTime
	assert.EqualValues(t, 1100, got.Count)
	assert.Equal(t, all.Quantile(0.50), got.P50)
	assert.Equal(t, all.Quantile(0.99), got.P99)
	assert.Equal(t, all.Summary(), got)

	avgP50 := (a.ConnectTime.P50 + b.ConnectTime.P50) / 2
	avgP99 := (a.ConnectTime.P99 + b.ConnectTime.P99) / 2
	assert.InDelta(t, 5500*time.Microsecond, got.P50, float64(200*time.Microsecond), "the median connection is a fast one")
	assert.Greater(t, avgP50, 50*got.P50, "averaging the medians (%v) would put a slow one there", avgP50)
	assert.Greater(t, got.P99, 500*time.Millisecond, "the p99 connection is a slow one")
	assert.NotEqual(t, avgP99, got.P99)
}

// The timeline adds up the segments on the run's clock, and the run is
// reached when the last segment reached its share.
func TestMergedTimelineAndPeak(t *testing.T) {
	late := segment(1, 2, 200, 60*time.Millisecond, time.Millisecond) // more than half an Interval late
	run, err := merge.Merge([]merge.Part{segment(0, 2, 200, 0, time.Millisecond), late})
	require.NoError(t, err)
	tot := run.Total
	assert.Equal(t, t0, tot.Start)
	at := func(d time.Duration) capacity.Counts {
		for _, s := range tot.Timeline {
			if s.At == d {
				return s.Counts
			}
		}
		t.Fatalf("no sample at %v in %v", d, tot.Timeline)
		return capacity.Counts{}
	}
	assert.Equal(t, capacity.Counts{Total: 200, Established: 50, NotInitiated: 150}, at(100*time.Millisecond), "the late one has no sample yet")
	assert.Equal(t, capacity.Counts{Total: 200, Established: 150, NotInitiated: 50}, at(200*time.Millisecond))
	assert.Equal(t, capacity.Counts{Total: 200, Established: 200}, at(300*time.Millisecond))
	assert.Equal(t, 1060*time.Millisecond, tot.Elapsed)
	assert.Equal(t, capacity.Counts{Total: 200, Established: 200}, tot.Timeline[len(tot.Timeline)-1].Counts)
	assert.Equal(t, 200, tot.Peak)
	assert.True(t, tot.Reached)
	assert.Equal(t, 260*time.Millisecond, tot.ReachedAfter, "the late segment reached its share 200 ms after its start")
	assert.InDelta(t, 200/0.26, tot.Rate, 1e-9)
	assert.Equal(t, 2, tot.Workers)
	assert.Equal(t, uint64(4096), tot.Memory.PerConnBytes)
	assert.Equal(t, []int{0, 1}, []int{run.Segments[0].Segment.Index, run.Segments[1].Segment.Index})
}

func TestMergeReadsFilesAndStdin(t *testing.T) {
	dir := t.TempDir()
	ps := parts(3, 30)
	var stdin bytes.Buffer
	for i, p := range ps {
		if i == 2 {
			require.NoError(t, p.WriteJSON(&stdin))
			continue
		}
		var b bytes.Buffer
		require.NoError(t, p.WriteJSON(&b))
		require.NoError(t, os.WriteFile(filepath.Join(dir, p.Segment.String()[:1]+".json"), b.Bytes(), 0o644))
	}
	got, err := merge.ReadFiles([]string{filepath.Join(dir, "0.json"), filepath.Join(dir, "1.json"), "-"}, &stdin)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, "stdin", got[2].Source)
	run, err := merge.Merge(got)
	require.NoError(t, err)
	assert.Equal(t, 30, run.Total.Connections)
	_, err = merge.ReadFiles([]string{filepath.Join(dir, "none.json")}, nil)
	assert.ErrorContains(t, err, "none.json: no such file")
}

func TestWriteTableGolden(t *testing.T) {
	run, err := merge.Merge(parts(2, 200))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, run.WriteTable(&b))
	golden.Assert(t, "merged.txt", b.Bytes())
	assert.True(t, strings.Contains(b.String(), "200 of 200, reached after 200ms"), b.String())

	b.Reset()
	require.NoError(t, run.WriteJSON(&b))
	back, err := capacity.ReadResults("merged", &b)
	require.NoError(t, err)
	assert.Equal(t, run.Total.ConnectTime, back[0].ConnectTime)
}

// A segment whose clock ticks a little after the common start counts at
// the tick its sample was due.
func TestMergedTimelineToleratesLateTicks(t *testing.T) {
	run, err := merge.Merge([]merge.Part{segment(0, 2, 200, 0, time.Millisecond), segment(1, 2, 200, 10*time.Millisecond, time.Millisecond)})
	require.NoError(t, err)
	assert.Equal(t, 100*time.Millisecond, run.Total.Timeline[0].At)
	assert.Equal(t, 100, run.Total.Timeline[0].Established, "50 of each")
}

// The four results of make capacity-hosts HOSTS=4 CONNECTIONS=100000
// (docs/BENCHMARKS.md), merged: the run's p99 is that of every
// connection, not the mean of the hosts' p99s.
func TestMergeTheHundredThousandRun(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "hosts100k", "segment-*.json"))
	require.NoError(t, err)
	require.Len(t, names, 4)
	parts, err := merge.ReadFiles(names, nil)
	require.NoError(t, err)
	run, err := merge.Merge(parts)
	require.NoError(t, err)
	tot := run.Total
	assert.Equal(t, 100000, tot.Peak)
	assert.True(t, tot.Reached)
	assert.EqualValues(t, 100000, tot.ConnectTime.Count)
	assert.Zero(t, tot.Errors)
	all := &capacity.Histogram{}
	var meanP99 time.Duration
	for _, p := range parts {
		all.Merge(p.Histogram)
		meanP99 += p.ConnectTime.P99 / 4
	}
	assert.Equal(t, all.Quantile(0.99), tot.ConnectTime.P99)
	assert.NotEqual(t, meanP99.Round(time.Millisecond), tot.ConnectTime.P99.Round(time.Millisecond))
	assert.Equal(t, 100000, tot.Timeline[len(tot.Timeline)-1].Established)
}
