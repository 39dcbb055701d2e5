package merge

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leaklab/leaklab/capacity"
)

// Part is one segment's result and where it was read from.
type Part struct {
	// Source names where the result came from, e.g. its file.
	Source string
	capacity.Result
}

// Run is a run merged from its segments.
type Run struct {
	// Segments are the parts, in segment order.
	Segments []Part
	// Total is the whole run: counts, errors and memory summed, connect
	// times from the merged histograms, the peak and the rate from the
	// merged timeline.
	Total capacity.Result
}

// Read reads the results in r (see capacity.ReadResults).
func Read(source string, r io.Reader) ([]Part, error) {
	rs, err := capacity.ReadResults(source, r)
	if err != nil {
		return nil, err
	}
	out := make([]Part, len(rs))
	for i, res := range rs {
		out[i] = Part{Source: source, Result: res}
	}
	return out, nil
}

// ReadFiles reads the results of each file in turn; "-" reads stdin.
func ReadFiles(names []string, stdin io.Reader) ([]Part, error) {
	var out []Part
	for _, name := range names {
		parts, err := readFile(name, stdin)
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	return out, nil
}

func readFile(name string, stdin io.Reader) ([]Part, error) {
	if name == "-" {
		return Read("stdin", stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(name, f)
}

// Merge checks that the parts are the segments of one run, each once and
// none missing, and merges them.
func Merge(parts []Part) (Run, error) {
	if len(parts) == 0 {
		return Run{}, fmt.Errorf("no results to merge")
	}
	for _, check := range []func([]Part) error{oneRun, oneShape, everySegmentOnce} {
		if err := check(parts); err != nil {
			return Run{}, err
		}
	}
	sorted := slices.SortedFunc(slices.Values(parts), func(a, b Part) int { return cmp.Compare(a.Segment.Index, b.Segment.Index) })
	return Run{Segments: sorted, Total: total(sorted)}, nil
}

// oneRun refuses parts of several runs.
func oneRun(parts []Part) error {
	byRun := map[string][]string{}
	for _, p := range parts {
		byRun[p.RunID] = append(byRun[p.RunID], p.Source)
	}
	if len(byRun) == 1 {
		return nil
	}
	var runs []string
	for _, id := range slices.Sorted(maps.Keys(byRun)) {
		runs = append(runs, fmt.Sprintf("run %q (%s)", id, strings.Join(slices.Compact(byRun[id]), ", ")))
	}
	return fmt.Errorf("results of %d runs are mixed: %s; merge the segments of one run at a time", len(byRun), strings.Join(runs, ", "))
}

// oneShape refuses parts of one run id that disagree on what the run was.
func oneShape(parts []Part) error {
	first := parts[0]
	for _, p := range parts[1:] {
		for _, d := range []struct {
			what string
			a, b any
		}{
			{"number of segments", first.Segment.Count, p.Segment.Count},
			{"target", first.Target, p.Target},
			{"mode", first.Mode, p.Mode},
			{"connections of the whole run", first.RunConnections, p.RunConnections},
			{"start time (start-at)", startOf(first), startOf(p)},
		} {
			if d.a != d.b {
				return fmt.Errorf("segments of run %q disagree on the %s: %v in %s (segment %s), %v in %s (segment %s); were they started with the same settings?",
					first.RunID, d.what, d.a, first.Source, first.Segment, d.b, p.Source, p.Segment)
			}
		}
	}
	return nil
}

// everySegmentOnce refuses a duplicated, missing or wrongly sized segment.
func everySegmentOnce(parts []Part) error {
	n := max(parts[0].Segment.Count, 1)
	seen := make([]string, n)
	for _, p := range parts {
		i := p.Segment.Index
		if i < 0 || i >= n {
			return fmt.Errorf("%s: segment %s is out of range", p.Source, p.Segment)
		}
		if seen[i] != "" {
			return fmt.Errorf("segment %s of run %q appears twice, in %s and in %s; give each segment's result once", p.Segment, p.RunID, seen[i], p.Source)
		}
		seen[i] = p.Source
		if want := p.Segment.Share(p.RunConnections); p.RunConnections > 0 && p.Connections != want {
			return fmt.Errorf("%s: segment %s has %d connections, but its share of %d is %d", p.Source, p.Segment, p.Connections, p.RunConnections, want)
		}
	}
	var missing []string
	for i, src := range seen {
		if src == "" {
			missing = append(missing, capacity.Segment{Index: i, Count: n}.String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("run %q has %d segments, but %s %s missing; merge the results of all %d",
			parts[0].RunID, n, strings.Join(missing, ", "), plural(len(missing), "is", "are"), n)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// total merges the sorted segments into the whole run.
func total(parts []Part) capacity.Result {
	first := parts[0]
	cfg := capacity.Config{Target: first.Target, Mode: first.Mode, Connections: first.RunConnections, Auto: first.Auto, Reopen: first.Reopen}
	results := make([]capacity.Result, len(parts))
	workers := 0
	for i, p := range parts {
		results[i] = p.Result
		cfg.Sources = append(cfg.Sources, p.Sources...)
		workers += p.Workers
	}
	r := capacity.Merge(cfg, results)
	r.RunID, r.RunConnections, r.StartAt, r.Workers = first.RunID, first.RunConnections, first.StartAt, workers
	r.Segment = capacity.Segment{Count: 1}
	r.Host = ""
	r.Start, r.Interval, r.Timeline = timeline(parts)
	r.Elapsed = r.Timeline[len(r.Timeline)-1].At
	peakFrom(&r, parts)
	return r
}

// peakFrom sets the peak, reached and rate from the merged timeline. When
// every segment reached its share, the run reached its target when the
// last of them did.
func peakFrom(r *capacity.Result, parts []Part) {
	r.Peak, r.Reached, r.ReachedAfter, r.Rate = 0, false, 0, 0
	var peakAt time.Duration
	for _, s := range r.Timeline {
		if s.Established > r.Peak {
			r.Peak, peakAt = s.Established, s.At
		}
	}
	if peakAt > 0 {
		r.Rate = float64(r.Peak) / peakAt.Seconds()
	}
	if r.Connections == 0 || r.Peak < r.Connections {
		return
	}
	r.Reached = true
	for _, p := range parts {
		if !p.Reached {
			return // reached on the timeline, but not told exactly when
		}
		r.ReachedAfter = max(r.ReachedAfter, p.Start.Sub(r.Start)+p.ReachedAfter)
	}
	if r.ReachedAfter > 0 {
		r.Rate = float64(r.Connections) / r.ReachedAfter.Seconds()
	}
}

// timeline sums the segments' samples every Interval on the run's clock.
func timeline(parts []Part) (start time.Time, every time.Duration, out []capacity.Sample) {
	start = parts[0].Start
	var end time.Time
	for _, p := range parts {
		if p.Start.Before(start) {
			start = p.Start
		}
		every = max(every, p.Interval)
		if n := len(p.Timeline); n > 0 {
			end = latest(end, p.Start.Add(p.Timeline[n-1].At))
		}
		end = latest(end, p.Start.Add(p.Elapsed))
	}
	if at := parts[0].StartAt; !at.IsZero() && at.Before(start) {
		start = at
	}
	every = max(every, time.Millisecond)
	length := end.Sub(start)
	for k := time.Duration(1); k*every < length; k++ {
		out = append(out, sumAt(parts, start, k*every, every/2))
	}
	return start, every, append(out, sumAt(parts, start, length, 0))
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sumAt sums each segment's latest sample at or before start+at+slack:
// the segments' clocks tick a little after the common start, and a
// sample due at a tick counts at that tick.
func sumAt(parts []Part, start time.Time, at, slack time.Duration) capacity.Sample {
	s := capacity.Sample{At: at}
	for _, p := range parts {
		s.Counts = s.Counts.Add(countsAt(p, start.Add(at+slack)))
	}
	return s
}

func countsAt(p Part, t time.Time) capacity.Counts {
	c := capacity.Counts{Total: p.Connections, NotInitiated: p.Connections} // before its first sample
	if len(p.Timeline) == 0 {
		c = p.Final // a result without a timeline: its final counts throughout
	}
	since := t.Sub(p.Start)
	i, _ := slices.BinarySearchFunc(p.Timeline, since, func(s capacity.Sample, at time.Duration) int { return cmp.Compare(s.At, at+1) })
	if i > 0 {
		c = p.Timeline[i-1].Counts
	}
	return c
}

// startOf is the part's StartAt as text, "none" when it had none.
func startOf(p Part) string {
	if p.StartAt.IsZero() {
		return "none"
	}
	return p.StartAt.UTC().Format(time.RFC3339Nano)
}
