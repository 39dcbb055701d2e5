package experiments

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// sampler takes a census of every variant's port once per period.
type sampler struct {
	stopc chan struct{}
	done  chan struct{}
}

func startSampler(runs []*variantRun, c Config, start time.Time) *sampler {
	rememberEarlier(runs, c)
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{})}
	go s.loop(runs, c, start)
	return s
}

func (s *sampler) loop(runs []*variantRun, c Config, start time.Time) {
	defer close(s.done)
	t := time.NewTicker(c.sampleEvery())
	defer t.Stop()
	lastProgress := start
	for {
		sampleAll(runs, c, start)
		if c.OnSample != nil {
			c.OnSample(liveOf(runs, c))
		}
		if c.OnProgress != nil && time.Since(lastProgress) >= time.Second {
			lastProgress = time.Now()
			c.OnProgress(progressLine(runs, start))
		}
		select {
		case <-s.stopc:
			return
		case <-t.C:
		}
	}
}

func (s *sampler) stop() {
	close(s.stopc)
	<-s.done
}

// censusOptions is how the sampler reads the socket table: the config's
// engine (by default netlink on Linux, gopsutil elsewhere), without the
// owners, which counts by port never need.
func censusOptions(c Config) netstat.Options {
	return netstat.Options{Engine: c.Engine, SkipOwners: true}
}

// sampleAll takes one census of the whole table and splits it by port.
func sampleAll(runs []*variantRun, c Config, start time.Time) {
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{}, censusOptions(c))
	if err != nil {
		return // a missed sample shows as a gap in the series
	}
	for _, r := range runs {
		c := portCounts(snap, r)
		smp := Sample{T: time.Since(start).Seconds(), Client: c.Client, Server: c.Server}
		if st := r.status.Load(); st != nil {
			smp.Sent, smp.OK, smp.Errors, smp.InFlight = st.Sent, st.OK, st.Errors, st.InFlight
		}
		r.series = append(r.series, smp)
	}
}

func progressLine(runs []*variantRun, start time.Time) string {
	parts := []string{fmt.Sprintf("t=%-5s", time.Since(start).Round(time.Second))}
	for _, r := range runs {
		last := r.series[len(r.series)-1]
		parts = append(parts, fmt.Sprintf("%s: sent %d, in flight %d, client ESTABLISHED %d, TIME_WAIT %d",
			r.name, last.Sent, last.InFlight, last.Client[netstat.Established], last.Client[netstat.TimeWait]))
	}
	return strings.Join(parts, " | ")
}

// settle polls the census after the load until every variant's counts
// have stayed the same for three samples in a row, or SettleTimeout
// passes, and returns the last counts of each variant.
func settle(runs []*variantRun, c Config) []netstat.Counts {
	deadline := time.Now().Add(c.SettleTimeout)
	var last []netstat.Counts
	same := 0
	for {
		now, err := censusOf(runs, c)
		if err == nil && equalCounts(now, last) {
			same++
		} else {
			same = 0
		}
		if err == nil {
			last = now
		}
		if same >= 2 || time.Now().After(deadline) {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func censusOf(runs []*variantRun, c Config) ([]netstat.Counts, error) {
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{}, censusOptions(c))
	if err != nil {
		return nil, err
	}
	out := make([]netstat.Counts, len(runs))
	for i, r := range runs {
		out[i] = portCounts(snap, r)
	}
	return out, nil
}

func equalCounts(a, b []netstat.Counts) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Client[netstat.Established] != b[i].Client[netstat.Established] ||
			a[i].Server[netstat.Established] != b[i].Server[netstat.Established] {
			return false
		}
	}
	return true
}

// rememberEarlier records, for each run, the sockets already on its
// server's port, the listener aside. A new server can get the port of an
// earlier one while the earlier one's TIME_WAIT sockets (60 s on Linux)
// are still there; they are not this run's, so its censuses leave them
// out. A failed census records none.
func rememberEarlier(runs []*variantRun, c Config) {
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{}, censusOptions(c))
	if err != nil {
		return
	}
	for _, r := range runs {
		r.earlier = map[[2]netip.AddrPort]bool{}
		for _, k := range snap.Select(netstat.Selector{Port: r.srv.Port()}).Sockets {
			if k.Side != netstat.SideListen {
				r.earlier[[2]netip.AddrPort{k.Local, k.Remote}] = true
			}
		}
	}
}

// portCounts counts the sockets of the snapshot on r's port, by side and
// state, leaving out the ones that were there before r's load started.
func portCounts(snap netstat.Snapshot, r *variantRun) netstat.Counts {
	sel := snap.Select(netstat.Selector{Port: r.srv.Port()})
	if len(r.earlier) > 0 {
		sel.Sockets = slices.DeleteFunc(sel.Sockets, func(k netstat.Socket) bool {
			return r.earlier[[2]netip.AddrPort{k.Local, k.Remote}]
		})
	}
	return sel.Counts()
}
