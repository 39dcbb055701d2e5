package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/internal/golden"
	"github.com/leaklab/leaklab/netstat"
)

func timesAt(n int, step float64) []float64 {
	t := make([]float64, n)
	for i := range t {
		t[i] = float64(i) * step
	}
	return t
}

func TestTheilSenIgnoresOutliers(t *testing.T) {
	y := []float64{0, 2, 4, 6, 100, 10, 12, 14, 16, 18} // one burst
	f := fitLine(timesAt(len(y), 0.5), y)
	assert.InDelta(t, 4.0, f.Slope, 1e-9, "2 per sample of 0.5 s")
	assert.InDelta(t, 0.0, f.Intercept, 1e-9)
	assert.Less(t, f.P, 0.01)
	assert.Equal(t, len(y), f.Samples)
}

func TestFitOfAFlatLine(t *testing.T) {
	f := fitLine(timesAt(20, 1), make([]float64, 20))
	assert.Zero(t, f.Slope)
	assert.Equal(t, 1.0, f.P, "no trend")
	assert.Equal(t, 1.0, f.R2)
}

func TestMannKendallOnNoise(t *testing.T) {
	y := []float64{3, 5, 4, 3, 5, 4, 3, 5, 4, 3, 5, 4, 3, 5, 4}
	assert.Greater(t, mannKendallP(y), 0.1)
	assert.Less(t, mannKendallP([]float64{1, 2, 3, 4, 5, 6}), 0.01, "six rising samples are a trend at 99%")
	assert.Greater(t, mannKendallP([]float64{1, 2, 3, 4, 5}), 0.01, "five are not yet")
}

func TestReduceKeepsTheSlope(t *testing.T) {
	n := 5000
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(i) / 2
	}
	f := fitLine(timesAt(n, 1), y)
	assert.Equal(t, maxFitPoints, f.Samples)
	assert.InDelta(t, 0.5, f.Slope, 0.01)
}

// samplesOf builds samples at 200 ms from per-key count series.
func samplesOf(series map[Key][]int, newTW map[Key][]int) []Sample {
	n := 0
	for _, s := range series {
		n = max(n, len(s))
	}
	out := make([]Sample, n)
	for i := range out {
		out[i] = Sample{At: time.Duration(i) * fastInterval, Counts: map[Key]int{}, NewTimeWait: map[Key]int{}}
		for k, s := range series {
			out[i].Counts[k] = s[i]
			out[i].Sockets += s[i]
		}
		for k, s := range newTW {
			out[i].NewTimeWait[k] = s[i]
		}
	}
	return out
}

func key(side netstat.Side, peer, state string) Key {
	k := Key{Side: side, State: state}
	if side == netstat.SideServer {
		k.Port = 8080
		k.Peer = mustAddrPort(peer + ":0")
	} else {
		k.Peer = mustAddrPort(peer)
	}
	return k
}

// A report made from samples is rendered the same way every time: the
// table, the sentences and the chart (golden file; -update rewrites it).
func TestReportGolden(t *testing.T) {
	leak := key(netstat.SideClient, "10.0.0.7:443", netstat.Established)
	cw := key(netstat.SideServer, "198.18.0.9", netstat.CloseWait)
	tw := key(netstat.SideClient, "127.0.0.1:9000", netstat.TimeWait)
	idle := key(netstat.SideClient, "127.0.0.1:5432", netstat.Established)
	series := map[Key][]int{
		leak: {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40},
		cw:   {0, 1, 1, 2, 3, 3, 4, 5, 5, 6, 7},
		tw:   {50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150},
		idle: {5, 5, 4, 5, 5, 5, 4, 5, 5, 5, 5},
	}
	newTW := map[Key][]int{tw: {50, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}}
	cfg := Config{Pid: 4242, Interval: fastInterval, Duration: 2 * time.Second}.WithDefaults()
	smp := samplesOf(series, newTW)
	smp[len(smp)-1].Goroutines = &Goroutines{Total: 97, ReadLoops: 40, WriteLoops: 40, PeekingReadLoops: 40, ServerConns: 7}
	smp[0].Goroutines = &Goroutines{Total: 17, ServerConns: 1}
	cfg.PprofURL = "http://127.0.0.1:6060"
	r := analyze(cfg, smp, EndDuration, 2*time.Second, nil)
	assert.True(t, r.Leaking)
	assert.True(t, r.Churning)
	var b strings.Builder
	require.NoError(t, r.WriteText(&b))
	golden.Assert(t, "report.golden", []byte(b.String()))
}

// Samples that reused the last TIME_WAIT read (NewTimeWait nil) count
// neither for nor against churn: the share is over the reads, and the
// rate over the time up to the last read.
func TestChurnCountsOnlyTimeWaitReads(t *testing.T) {
	tw := key(netstat.SideClient, "127.0.0.1:9000", netstat.TimeWait)
	// Every sample at 200 ms, TIME_WAIT read every fifth (1 s), 50 new
	// sockets per read; the last sample reused the read before it.
	newTW := []int{50, 0, 0, 0, 0, 50, 0, 0, 0, 0, 50, 0}
	series := []int{50, 50, 50, 50, 50, 100, 100, 100, 100, 100, 150, 150}
	smp := samplesOf(map[Key][]int{tw: series}, map[Key][]int{tw: newTW})
	for i := range smp {
		if i%5 != 0 {
			smp[i].NewTimeWait = nil
		}
	}
	g := group(tw, smp)
	assert.Equal(t, 1.0, g.churnShare, "new TIME_WAIT at every read")
	assert.InDelta(t, 50.0, g.NewPerSecond, 1e-9, "100 new over the 2 s up to the last read")
	cfg := Config{Pid: 4242, Interval: fastInterval, Duration: 2 * time.Second}.WithDefaults()
	v := judge(cfg, g, timesOf(smp), false).Verdict
	assert.Equal(t, KindChurn, v.Kind)
	assert.Equal(t, 1.0, v.Confidence, "not diluted by the samples between reads")
}

func timesOf(samples []Sample) []float64 {
	ts := make([]float64, len(samples))
	for i, s := range samples {
		ts[i] = s.At.Seconds()
	}
	return ts
}
