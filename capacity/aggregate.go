package capacity

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// aggregate follows the workers of a run: the latest counts of each, and
// the largest sum seen, which is the run's peak.
type aggregate struct {
	cfg    Config
	start  time.Time
	mu     sync.Mutex
	latest []Counts
	tally  tally
	label  runLabel
	tl     timeline
}

// newAggregate follows n workers of cfg; the run starts at cfg.StartAt
// when that is ahead.
func newAggregate(cfg Config, n int) *aggregate {
	start := time.Now()
	if cfg.StartAt.After(start) {
		start = cfg.StartAt
	}
	return &aggregate{cfg: cfg, start: start, latest: make([]Counts, n)}
}

func (a *aggregate) update(i int, c Counts) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.latest[i] = c
	n := a.sumLocked().Established
	if n > a.tally.peak {
		a.tally.peak, a.tally.peakAt = n, time.Since(a.start)
	}
	if !a.tally.reached && a.cfg.Connections > 0 && n >= a.cfg.Connections {
		a.tally.reached, a.tally.reachedAt = true, time.Since(a.start)
	}
}

func (a *aggregate) sumLocked() Counts {
	var s Counts
	for _, c := range a.latest {
		s = s.Add(c)
	}
	return s
}

// report records the summed counts and calls on with them (if not nil)
// every interval from the start until stopped.
func (a *aggregate) report(on func(Counts), every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		waitStart(done, a.start)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				a.mu.Lock()
				s := a.sumLocked()
				a.mu.Unlock()
				a.tl.add(Sample{At: time.Since(a.start), Counts: s})
				if on != nil {
					on(s)
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// result merges the workers' results. The peak is the largest sum of the
// workers' latest counts, so it only counts connections the workers held
// at the same time (to within one Interval).
func (a *aggregate) result(ws []*worker, err error) (Result, error) {
	var parts []Result
	for _, w := range ws {
		if w.result != nil {
			parts = append(parts, *w.result)
		}
	}
	if len(parts) == 0 {
		return Result{}, err
	}
	r := Merge(a.cfg, parts)
	a.mu.Lock()
	defer a.mu.Unlock()
	r.Workers = len(ws)
	r.Peak, r.Reached, r.ReachedAfter = a.tally.peak, a.tally.reached, a.tally.reachedAt
	if a.tally.peakAt > 0 {
		r.Rate = float64(a.tally.peak) / a.tally.peakAt.Seconds()
	}
	r.Elapsed = time.Since(a.start)
	r.Start, r.Interval, r.Host = a.start, a.cfg.Interval, hostname()
	r.Timeline = a.tl.with(Sample{At: r.Elapsed, Counts: a.sumLocked()})
	a.label.apply(&r)
	return r, err
}

// Merge adds up the results of parts of one run (cfg): counts, errors,
// connect times and memory. Peak and Reached are the sums of the parts',
// an upper bound when the parts did not hold their peaks at once.
func Merge(cfg Config, parts []Result) Result {
	r := Result{
		Target: cfg.Target, Mode: cfg.Mode, Connections: cfg.Connections, Auto: cfg.Auto,
		Reopen: cfg.Reopen, Sources: cfg.Sources, Workers: len(parts), Histogram: &Histogram{},
	}
	reasons := map[string]int{}
	for _, p := range parts {
		r.Final = r.Final.Add(p.Final)
		r.Peak += p.Peak
		r.Rate += p.Rate
		r.Dials, r.Established = r.Dials+p.Dials, r.Established+p.Established
		r.ClosedByPeer, r.Errors = r.ClosedByPeer+p.ClosedByPeer, r.Errors+p.Errors
		r.ErrorsByCause = addCounts(r.ErrorsByCause, p.ErrorsByCause)
		r.ErrorExamples = addExamples(r.ErrorExamples, p.ErrorExamples)
		r.Histogram.Merge(p.Histogram)
		r.Memory.RSSGrowthBytes += p.Memory.RSSGrowthBytes
		r.Memory.Conns += p.Memory.Conns
		r.Elapsed = max(r.Elapsed, p.Elapsed)
		reasons[p.StopReason]++
	}
	r.Reached = cfg.Connections > 0 && r.Peak >= cfg.Connections
	r.ConnectTime = r.Histogram.Summary()
	r.Memory = memoryOf(0, r.Memory.RSSGrowthBytes, r.Memory.Conns)
	r.StopReason = joinReasons(reasons, len(parts))
	return r
}

func addCounts(into, from map[string]int64) map[string]int64 {
	if len(from) > 0 && into == nil {
		into = map[string]int64{}
	}
	for k, v := range from {
		into[k] += v
	}
	return into
}

func addExamples(into, from map[string]string) map[string]string {
	if len(from) > 0 && into == nil {
		into = map[string]string{}
	}
	for k, v := range from {
		if _, ok := into[k]; !ok {
			into[k] = v
		}
	}
	return into
}

// joinReasons is "held for 10s" when every part says so, else
// "held for 10s (3 of 4); interrupted (1 of 4)".
func joinReasons(reasons map[string]int, parts int) string {
	if len(reasons) == 1 {
		for r := range reasons {
			return r
		}
	}
	var out []string
	for _, r := range slices.Sorted(maps.Keys(reasons)) {
		out = append(out, fmt.Sprintf("%s (%d of %d)", r, reasons[r], parts))
	}
	return strings.Join(out, "; ")
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// prefixWriter writes whole lines, each with a prefix.
type prefixWriter struct {
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		if _, err := p.w.Write(append([]byte(p.prefix), p.buf[:i+1]...)); err != nil {
			return len(b), err
		}
		p.buf = p.buf[i+1:]
	}
}
