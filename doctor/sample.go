package doctor

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// errExited is returned by a sample when the watched process is gone.
var errExited = errors.New("process exited")

// Sample is one census of the watched sockets, reduced to counts.
type Sample struct {
	// At is the time since the watch started.
	At time.Duration
	// Counts are the sockets per group.
	Counts map[Key]int
	// NewTimeWait counts, per TIME_WAIT group, the sockets that were not
	// there at the previous read of TIME_WAIT: connections closed since.
	// It is nil on a sample that reused the last read's TIME_WAIT list
	// (watching by Pid alone, TIME_WAIT is read every TimeWaitInterval),
	// which says nothing about new ones; the churn share and rate count
	// only the samples where it is set.
	NewTimeWait map[Key]int
	// Sockets is the number of sockets counted, listeners left out.
	Sockets int
	// Goroutines is the goroutine evidence read with this sample; nil
	// without a pprof URL or when the fetch failed.
	Goroutines *Goroutines
}

// sampler takes the samples of one watch and remembers what attributing
// TIME_WAIT sockets needs: the peers the process talks to, its listening
// ports, and the TIME_WAIT sockets of the previous read of TIME_WAIT.
type sampler struct {
	cfg       Config
	opts      netstat.Options // the censuses' options: owners are never read
	start     time.Time
	timeWait  bool                                   // read the namespace's TIME_WAIT too
	peers     map[netip.AddrPort]map[netip.Addr]bool // remote → local addresses seen
	listening map[uint16]bool
	prevTW    map[tuple]bool
	lastTW    []netstat.Socket // the process's TIME_WAIT at the last read
	twAt      time.Time        // when the TIME_WAIT sockets were last read
}

func newSampler(cfg Config, start time.Time) *sampler {
	return &sampler{
		cfg: cfg, start: start,
		// The doctor counts by side and state and never reads Socket.Pid:
		// a watch by port need not walk every process's descriptors.
		opts:      netstat.Options{Engine: cfg.Engine, SkipOwners: true},
		timeWait:  cfg.Pid != 0 && cfg.Port == 0 && sameNetns(cfg.Pid),
		peers:     map[netip.AddrPort]map[netip.Addr]bool{},
		listening: map[uint16]bool{},
		prevTW:    map[tuple]bool{},
	}
}

// take reads the census once; errExited when the process is gone, before
// or during the census (whose result is then incomplete).
func (s *sampler) take(ctx context.Context) (Sample, error) {
	if s.cfg.Pid != 0 && !alive(s.cfg.Pid) {
		return Sample{}, errExited
	}
	at := time.Since(s.start)
	snap, err := netstat.TakeWith(ctx, netstat.Selector{Pid: s.cfg.Pid, Port: s.cfg.Port}, s.opts)
	if err != nil {
		if s.cfg.Pid != 0 && !alive(s.cfg.Pid) {
			return Sample{}, errExited
		}
		return Sample{}, err
	}
	sockets := snap.Sockets
	freshTW := true // this sample's TIME_WAIT were read now, not reused
	if s.timeWait {
		s.learn(sockets)
		if time.Since(s.twAt) >= s.cfg.TimeWaitInterval-s.cfg.Interval/2 {
			s.twAt = time.Now()
			if s.lastTW, err = s.ownTimeWait(ctx); err != nil {
				return Sample{}, err
			}
		} else {
			freshTW = false
		}
		sockets = append(sockets, s.lastTW...)
	}
	if s.cfg.Pid != 0 && !alive(s.cfg.Pid) {
		return Sample{}, errExited
	}
	return s.count(sockets, at, freshTW), nil
}

// learn remembers the peers and listening ports of the process's
// sockets.
func (s *sampler) learn(own []netstat.Socket) {
	for _, k := range own {
		switch k.Side {
		case netstat.SideListen:
			s.listening[k.Local.Port()] = true
		case netstat.SideClient:
			if s.peers[k.Remote] == nil {
				s.peers[k.Remote] = map[netip.Addr]bool{}
			}
			s.peers[k.Remote][k.Local.Addr()] = true
		}
	}
}

// ownTimeWait returns the namespace's TIME_WAIT sockets that belong to the
// process: to a peer it dialled from the same address, or on a port it
// listens on.
func (s *sampler) ownTimeWait(ctx context.Context) ([]netstat.Socket, error) {
	snap, err := netstat.TakeWith(ctx, netstat.Selector{States: []string{netstat.TimeWait}}, s.opts)
	if err != nil {
		return nil, err
	}
	var out []netstat.Socket
	for _, k := range snap.Sockets {
		switch {
		case s.listening[k.Local.Port()]:
			k.Side = netstat.SideServer
		case s.peers[k.Remote][k.Local.Addr()]:
			k.Side = netstat.SideClient
		default:
			continue
		}
		out = append(out, k)
	}
	return out, nil
}

// count reduces sockets to counts per group and, when freshTW says the
// TIME_WAIT sockets were read for this sample, finds those that are new
// since the previous read; otherwise NewTimeWait stays nil.
func (s *sampler) count(sockets []netstat.Socket, at time.Duration, freshTW bool) Sample {
	smp := Sample{At: at, Counts: map[Key]int{}}
	var tw map[tuple]bool
	if freshTW {
		smp.NewTimeWait, tw = map[Key]int{}, map[tuple]bool{}
	}
	for _, k := range sockets {
		key, ok := keyOf(k)
		if !ok {
			continue
		}
		smp.Counts[key]++
		smp.Sockets++
		if freshTW && k.State == netstat.TimeWait {
			t := tuple{k.Local, k.Remote}
			tw[t] = true
			if !s.prevTW[t] {
				smp.NewTimeWait[key]++
			}
		}
	}
	if freshTW {
		s.prevTW = tw
	}
	return smp
}
