package capacity

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"strings"
	"time"
)

// Result is what a run did.
type Result struct {
	Target string `json:"target"`
	Mode   Mode   `json:"mode"`
	// Connections is the target count; in auto mode the cap, 0 for none.
	Connections int          `json:"connections"`
	Auto        bool         `json:"auto,omitempty"`
	Reopen      bool         `json:"reopen,omitempty"`
	Sources     []netip.Addr `json:"sources,omitempty"`
	// Workers is the number of processes the run was spread over.
	Workers int `json:"workers"`
	// Final is the state of every slot when the run ended, before the
	// tester closed its connections.
	Final Counts `json:"final"`
	// Peak is the most connections established at once.
	Peak int `json:"peak_established"`
	// Reached says whether Peak reached Connections, and when.
	Reached      bool          `json:"reached"`
	ReachedAfter time.Duration `json:"-"` // reached_after_seconds in JSON
	// Rate is the connections established per second until the peak.
	Rate float64 `json:"rate_per_second"`
	// Dials counts connection attempts, reopens included.
	Dials int64 `json:"dials"`
	// Established counts successful attempts, reopens included.
	Established int64 `json:"established"`
	// ClosedByPeer counts idle connections the server closed.
	ClosedByPeer int64 `json:"closed_by_peer"`
	// Errors counts failed dials and connections lost to an error.
	Errors int64 `json:"errors"`
	// ErrorsByCause counts errors by cause (internal/neterr names, "http
	// NNN", "protocol"); ErrorExamples holds the first error of each.
	ErrorsByCause map[string]int64  `json:"errors_by_cause,omitempty"`
	ErrorExamples map[string]string `json:"error_examples,omitempty"`
	// ConnectTime summarises the time from dial to established.
	ConnectTime Latency `json:"connect_time"`
	// Histogram holds every connect time, so results can be merged.
	Histogram *Histogram `json:"connect_histogram,omitempty"`
	// Elapsed is the length of the run, closing excluded.
	Elapsed time.Duration `json:"-"` // elapsed_seconds in JSON
	// StopReason says why the run ended.
	StopReason string `json:"stop_reason"`
	// Memory is what the tester itself used for its connections.
	Memory Memory `json:"memory"`
}

// Memory is the growth of the tester's resident memory during a run,
// measured before it closed its connections.
type Memory struct {
	// RSSGrowthBytes is the resident memory added since the start.
	RSSGrowthBytes uint64 `json:"rss_growth_bytes"`
	// Conns is the number of connections open when it was measured.
	Conns int `json:"conns"`
	// PerConnBytes is RSSGrowthBytes divided by Conns.
	PerConnBytes uint64 `json:"per_conn_bytes"`
}

func memoryOf(before, after uint64, conns int) Memory {
	m := Memory{Conns: conns}
	if after > before {
		m.RSSGrowthBytes = after - before
	}
	if conns > 0 {
		m.PerConnBytes = m.RSSGrowthBytes / uint64(conns)
	}
	return m
}

func (t *Tester) result(final Counts, reason string, mem Memory) Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	tl := t.tally
	r := Result{
		Target: t.cfg.Target, Mode: t.cfg.Mode, Connections: t.cfg.Connections,
		Auto: t.cfg.Auto, Reopen: t.cfg.Reopen, Sources: t.cfg.Sources, Workers: 1,
		Final: final, Peak: tl.peak, Reached: tl.reached, ReachedAfter: tl.reachedAt,
		Dials: tl.dials, Established: tl.established, ClosedByPeer: tl.closedByPeer, Errors: tl.errors,
		ErrorsByCause: maps.Clone(tl.causes), ErrorExamples: maps.Clone(tl.examples),
		ConnectTime: t.hist.Summary(), Histogram: &t.hist,
		Elapsed: time.Since(t.start), StopReason: reason, Memory: mem,
	}
	if tl.peakAt > 0 {
		r.Rate = float64(tl.peak) / tl.peakAt.Seconds()
	}
	return r
}

// Check says whether the run passed: the peak reached the target count
// (any connection at all in an auto run without a cap) and there were at
// most maxErrors errors (maxErrors < 0: any number).
func (r Result) Check(maxErrors int) error {
	var fails []string
	switch {
	case r.Connections > 0 && !r.Reached:
		fails = append(fails, fmt.Sprintf("reached %d of %d connections (stopped: %s)", r.Peak, r.Connections, r.StopReason))
	case r.Connections == 0 && r.Peak == 0:
		fails = append(fails, "no connection was established (stopped: "+r.StopReason+")")
	}
	if maxErrors >= 0 && r.Errors > int64(maxErrors) {
		fails = append(fails, fmt.Sprintf("%d errors, more than the %d allowed (max-errors)", r.Errors, maxErrors))
	}
	if len(fails) == 0 {
		return nil
	}
	return errors.New(strings.Join(fails, "; "))
}
