package capacity

import (
	"sync"
	"time"
)

// MaxSamples bounds Result.Timeline: past it, the run keeps every other
// sample and samples half as often, so a long run keeps its whole course
// in bounded memory.
const MaxSamples = 1024

// Sample is the counts of a run at one moment.
type Sample struct {
	// At is the time since Result.Start (at_seconds in JSON).
	At time.Duration `json:"-"`
	Counts
}

// timeline records a sample every Interval, MaxSamples at most.
type timeline struct {
	mu      sync.Mutex
	samples []Sample
	stride  int // keep one sample in stride
	skipped int
}

func (tl *timeline) add(s Sample) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.stride = max(tl.stride, 1)
	if tl.skipped++; tl.skipped < tl.stride {
		return
	}
	tl.skipped = 0
	tl.samples = append(tl.samples, s)
	if len(tl.samples) >= MaxSamples {
		half := tl.samples[:0]
		for i := 1; i < len(tl.samples); i += 2 {
			half = append(half, tl.samples[i])
		}
		tl.samples = half
		tl.stride *= 2
	}
}

// with returns a copy of the samples followed by last.
func (tl *timeline) with(last Sample) []Sample {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return append(append(make([]Sample, 0, len(tl.samples)+1), tl.samples...), last)
}

// runLabel is what a Result says about the run it is part of.
type runLabel struct {
	id       string
	segment  Segment
	runConns int
	startAt  time.Time
}

func labelOf(c Config) runLabel {
	return runLabel{id: c.ID(), segment: c.Segment.norm(), runConns: c.Connections, startAt: c.StartAt}
}

func (l runLabel) apply(r *Result) {
	r.RunID, r.Segment, r.RunConnections, r.StartAt = l.id, l.segment, l.runConns, l.startAt
}

// waitStart waits until at (zero: no wait); it returns early when ctx is
// done, and the run then ends at once.
func waitStart(done <-chan struct{}, at time.Time) {
	d := time.Until(at)
	if at.IsZero() || d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	}
}
