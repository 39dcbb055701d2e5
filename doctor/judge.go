package doctor

import (
	"fmt"
	"slices"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// The lessons verdicts point to.
const (
	lessonNewClient  = "docs/01-new-client-per-request.md"
	lessonBody       = "docs/02-body-not-closed.md"
	lessonNotDrained = "docs/03-body-not-drained.md"
	lessonNoTimeout  = "docs/04-no-timeout.md"
	lessonIdlePool   = "docs/05-idle-pool-too-small.md"
	lessonServerIdle = "docs/07-server-no-idle-timeout.md"
)

// causes are the catalogue's kernel signatures, by verdict kind.
var causes = map[string]Verdict{
	KindLeak: {Cause: "connections to one peer pile up: a new Transport (or a connection) per request, or response bodies never closed",
		Lessons: []string{lessonNewClient, lessonBody}},
	KindCloseWait: {Cause: "the peer closed and this process never closed its end: response bodies not closed, hijacked or raw connections dropped",
		Lessons: []string{lessonBody}},
	KindServerHeld: {Cause: "the server holds more and more connections from this client: no IdleTimeout or ReadHeaderTimeout, or handlers that never return (or the client leaks them: see its own verdict)",
		Lessons: []string{lessonServerIdle, lessonNewClient}},
	KindStuckDial: {Cause: "dials that never complete: the peer does not answer and the dial has no timeout",
		Lessons: []string{lessonNoTimeout}},
	KindChurn: {Cause: "no reuse: a new connection per request, closed after it (bodies not drained, an idle pool smaller than the concurrency, or keep-alives off)",
		Lessons: []string{lessonNotDrained, lessonIdlePool}},
}

// analyze turns the samples into the report: one group per key seen,
// fitted and judged.
func analyze(cfg Config, samples []Sample, end string, elapsed time.Duration, notes []string) Report {
	r := Report{Target: target(cfg), Config: cfg, Ended: end, Elapsed: elapsed, Samples: len(samples), Notes: notes}
	for _, s := range samples {
		r.Times = append(r.Times, s.At.Seconds())
	}
	if len(samples) < cfg.MinSamples {
		r.TooFew = tooFew(cfg, len(samples))
	}
	for _, k := range keysOf(samples) {
		g := judge(cfg, group(k, samples), r.Times, r.TooFew != "")
		r.Leaking = r.Leaking || g.Verdict.Leaking
		r.Churning = r.Churning || g.Verdict.Kind == KindChurn
		r.Groups = append(r.Groups, g)
	}
	slices.SortStableFunc(r.Groups, byConcern)
	r.Goroutines = goroutineReport(cfg, samples, r.Groups)
	return r
}

func target(cfg Config) string {
	return netstat.Selector{Pid: cfg.Pid, Port: cfg.Port}.String()
}

// tooFew says how long to watch to get a verdict.
func tooFew(cfg Config, n int) string {
	need := time.Duration(cfg.MinSamples-1) * cfg.Interval
	return fmt.Sprintf("too few samples for a verdict (%d, %d needed): watch at least %v (%d samples at %v)", n, cfg.MinSamples, need, cfg.MinSamples, cfg.Interval)
}

// keysOf lists every key any sample saw, in a stable order.
func keysOf(samples []Sample) []Key {
	seen := map[Key]bool{}
	var keys []Key
	for _, s := range samples {
		for k := range s.Counts {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, Key.compare)
	return keys
}

// group collects one key's counts over the samples. The churn share and
// rate count only the samples that read TIME_WAIT (NewTimeWait non-nil):
// the share is over those reads, the rate over the time up to the last.
func group(k Key, samples []Sample) Group {
	g := Group{Key: k, Counts: make([]int, len(samples))}
	newTW, reads := 0, 0
	lastRead := samples[0].At
	for i, s := range samples {
		n := s.Counts[k]
		g.Counts[i] = n
		g.Peak = max(g.Peak, n)
		// The first sample's TIME_WAIT were there before the watch; a
		// sample that reused the last read says nothing about new ones.
		if i == 0 || s.NewTimeWait == nil {
			continue
		}
		reads++
		lastRead = s.At
		newTW += s.NewTimeWait[k]
		if s.NewTimeWait[k] > 0 {
			g.churnShare++
		}
	}
	g.Now = g.Counts[len(g.Counts)-1]
	if reads > 0 {
		g.churnShare /= float64(reads)
	}
	if span := lastRead - samples[0].At; span > 0 && newTW > 0 {
		g.NewPerSecond = float64(newTW) / span.Seconds()
	}
	return g
}

// judge fits the group and gives its verdict.
func judge(cfg Config, g Group, times []float64, tooFew bool) Group {
	ys := make([]float64, len(g.Counts))
	for i, n := range g.Counts {
		ys[i] = float64(n)
	}
	if g.Peak >= 2 { // fewer sockets cannot grow by MinGrowth; skip the pairs
		g.Fit = fitLine(times, ys)
	} else {
		g.Fit = Fit{Samples: len(ys), P: 1, R2: 1}
	}
	if tooFew {
		g.Verdict = Verdict{Kind: KindTooFew}
		return g
	}
	g.Verdict = verdictOf(cfg, g, times)
	return g
}

// verdictOf applies the catalogue's kernel signatures to one group.
func verdictOf(cfg Config, g Group, times []float64) Verdict {
	span := times[len(times)-1] - times[0]
	growing := g.Fit.P <= cfg.Alpha && g.Fit.Slope*span >= cfg.MinGrowth
	kind := ""
	switch {
	case g.State == netstat.Established && growing && g.Side == netstat.SideClient:
		kind = KindLeak
	case g.State == netstat.Established && growing:
		kind = KindServerHeld
	case g.State == netstat.CloseWait && growing:
		kind = KindCloseWait
	case g.State == netstat.SynSent && (growing || presence(g.Counts) >= 0.5):
		kind = KindStuckDial
	case g.State == netstat.TimeWait && g.NewPerSecond >= cfg.ChurnRate:
		kind = KindChurn
	default:
		return Verdict{Kind: KindSteady}
	}
	v := causes[kind]
	v.Kind = kind
	v.Leaking = kind != KindChurn
	switch kind {
	case KindChurn:
		v.Confidence = g.churnShare
	case KindStuckDial:
		v.Confidence = presence(g.Counts)
		if growing {
			v.Confidence = max(v.Confidence, 1-g.Fit.P)
		}
	default:
		v.Confidence = 1 - g.Fit.P
	}
	return v
}

// presence is the share of samples in which the group had a socket.
func presence(counts []int) float64 {
	n := 0
	for _, c := range counts {
		if c > 0 {
			n++
		}
	}
	return float64(n) / float64(len(counts))
}

// byConcern orders leaking groups first (fastest growth first), then
// churning ones, then the rest by their count now.
func byConcern(a, b Group) int {
	rank := func(g Group) int {
		switch {
		case g.Verdict.Leaking:
			return 0
		case g.Verdict.Kind == KindChurn:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	if a.Verdict.Leaking && a.Fit.Slope != b.Fit.Slope {
		if a.Fit.Slope > b.Fit.Slope {
			return -1
		}
		return 1
	}
	if a.Now != b.Now {
		return b.Now - a.Now
	}
	return a.Key.compare(b.Key)
}
