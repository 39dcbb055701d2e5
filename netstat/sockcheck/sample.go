package sockcheck

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// sample is one reading of the socket table: the sockets a check counts.
type sample struct {
	taken time.Time
	open  []netstat.Socket
	// firstSeen says since when each open socket has been seen without a
	// break, by this check or watcher.
	firstSeen map[conn]time.Time
	// listening holds the ports with a listener in the census read, when
	// it read every socket of the process; nil when it did not.
	listening map[uint16]bool
}

// takeSample reads the sockets the configuration selects, less the ignored
// ones and listeners.
func takeSample(ctx context.Context, c *config) (sample, error) {
	snap, listening, err := census(ctx, c.sel, c.take)
	if err != nil {
		return sample{}, fmt.Errorf("sockcheck: %w", err)
	}
	s := sample{taken: snap.Taken, listening: listening}
	for _, k := range snap.Sockets {
		if k.Side != netstat.SideListen && !c.ignored[connOf(k)] && (c.skip == nil || !c.skip(k)) {
			s.open = append(s.open, k)
		}
	}
	return s, nil
}

// ownedStates are the states of a socket some process holds a file
// descriptor of. (An ESTABLISHED or CLOSE_WAIT socket has no owner only
// while it waits in a listener's accept queue: not yet this process's.)
var ownedStates = []string{netstat.Established, netstat.CloseWait, netstat.SynSent, netstat.Listen}

// census reads the selected sockets, and the ports the process listens
// on when it read them. When a pid is selected and the states counted
// always have an owner (not TIME_WAIT, which no process holds), the
// census of the pid alone, selected by port in memory, gives the same
// sockets and with them every port the process listens on, which
// checkListening would otherwise read with a census of its own. With the
// gopsutil engine it is also the cheaper census, as a selection by port
// there walks every process's file descriptors; the netlink engine reads
// only the selected process's descriptors for a pid and port as for a
// pid alone.
func census(ctx context.Context, sel netstat.Selector, o netstat.Options) (netstat.Snapshot, map[uint16]bool, error) {
	if sel.Pid == 0 || !allOwned(sel.States) {
		snap, err := netstat.TakeWith(ctx, sel, o)
		return snap, nil, err
	}
	snap, err := netstat.TakeWith(ctx, netstat.Selector{Pid: sel.Pid}, o)
	if err != nil {
		return snap, nil, err
	}
	listening := map[uint16]bool{}
	for _, k := range snap.Sockets {
		if k.State == netstat.Listen {
			listening[k.Local.Port()] = true
		}
	}
	return snap.Select(sel), listening, nil
}

func allOwned(states []string) bool {
	for _, st := range states {
		if !slices.Contains(ownedStates, st) {
			return false
		}
	}
	return true
}

// record keeps what the samples of one check or watcher have shown: since
// when each socket has been open, the peak, and the latest sample.
type record struct {
	mu        sync.Mutex
	start     time.Time
	firstSeen map[conn]time.Time
	peak      sample
	last      sample
}

func newRecord() *record { return &record{start: time.Now()} }

// add stamps each socket of s with the time it was first seen and keeps s
// if it is the peak. Sockets that have closed are forgotten.
func (r *record) add(s sample) sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := make(map[conn]time.Time, len(s.open))
	for _, k := range s.open {
		since, ok := r.firstSeen[connOf(k)]
		if !ok {
			since = s.taken
		}
		seen[connOf(k)] = since
	}
	r.firstSeen, s.firstSeen = seen, seen
	if r.peak.taken.IsZero() || len(s.open) > len(r.peak.open) {
		r.peak = s
	}
	r.last = s
	return s
}

// snapshot returns the peak and the latest sample.
func (r *record) snapshot() (peak, last sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak, r.last
}

// poll samples with capped exponential backoff, from firstRetry up to the
// configured interval, until done accepts a sample or one is taken at or
// after the deadline; it returns the last sample. It takes at least two,
// so that a census slower than the deadline cannot fail on a socket that
// was closing while it ran. first, when not nil, judges the first sample
// before anything else.
func poll(ctx context.Context, c *config, r *record, deadline time.Time, done func(sample) bool, first func(context.Context, sample) error) (sample, error) {
	pause := firstRetry
	for taken := 1; ; taken++ {
		s, err := takeSample(ctx, c)
		if err != nil {
			return s, err
		}
		s = r.add(s)
		if taken == 1 && first != nil {
			if err := first(ctx, s); err != nil {
				return s, err
			}
		}
		if done(s) || !s.taken.Before(deadline) && taken >= 2 {
			return s, nil
		}
		time.Sleep(max(0, min(pause, time.Until(deadline))))
		pause = min(2*pause, c.interval)
	}
}
