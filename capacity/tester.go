package capacity

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

var errMaxDuration = errors.New("max duration reached")

// Tester is one capacity run. Create it with New, call Run once, and read
// Counts from any goroutine while it runs.
type Tester struct {
	cfg     Config
	target  netip.AddrPort
	addr    string // target, as the dialers want it
	limit   int    // the most slots: Connections, or the auto cap
	dialers []*net.Dialer
	request []byte
	hist    Histogram
	watch   *watcher // holds idle TCP connections; nil: a goroutine each
	label   runLabel
	samples timeline

	mu       sync.Mutex
	slots    []*slot
	byState  [numStates]int
	total    int
	tally    tally
	stopping bool
	rampDone chan struct{} // closed once every slot has had its first try
	autoStop chan struct{} // closed when an auto run must stop
	ramped   bool
	created  bool // every slot the run may have exists

	start   time.Time
	jobs    chan *slot
	redial  chan *slot
	holders sync.WaitGroup
	used    atomic.Bool
}

// slot is one of the connections a run keeps; a reopened connection
// reuses its slot. Its fields are guarded by Tester.mu.
type slot struct {
	id    int
	state State
	tried bool // the first try ended
	conn  net.Conn
}

// New checks cfg and returns a Tester ready to Run. A Config with a
// Segment runs its share of the run (see Config.Share).
func New(cfg Config) (*Tester, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	label := labelOf(cfg)
	cfg = cfg.Share()
	target, _ := ResolveTarget(cfg.Target)
	t := &Tester{
		label:    label,
		cfg:      cfg,
		target:   target,
		addr:     target.String(),
		limit:    cfg.Connections,
		rampDone: make(chan struct{}),
		autoStop: make(chan struct{}),
		jobs:     make(chan *slot), // paced runs only; see take
	}
	t.dialers = newDialers(cfg)
	t.request = httpRequest(cfg.Path, cfg.Target)
	if cfg.Auto && cfg.Connections == 0 {
		t.limit = currentFileLimit().MaxConnections()
	}
	if !cfg.Auto {
		t.slots = make([]*slot, 0, cfg.Connections)
		t.total = cfg.Connections
		t.byState[NotInitiated] = cfg.Connections
		t.redial = make(chan *slot, cfg.Connections)
	}
	return t, nil
}

// Run opens the connections, holds them, closes them all and returns
// what happened. It ends by itself (see Config.MaxDuration) or when ctx
// is cancelled, and always returns a complete Result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	t, err := New(cfg)
	if err != nil {
		return Result{}, err
	}
	return t.Run(ctx), nil
}

// Run does the run; see the package function Run. A Tester runs once.
func (t *Tester) Run(ctx context.Context) Result {
	if t.used.Swap(true) {
		panic("capacity: Tester.Run called twice; create a new Tester with New")
	}
	waitStart(ctx.Done(), t.cfg.StartAt)
	runCtx, cancel := withTimeoutCause(ctx, t.cfg.MaxDuration)
	defer cancel(nil)
	t.start = time.Now()
	rss := readRSS()
	if t.cfg.Mode == ModeTCP && t.cfg.Ping <= 0 {
		t.watch, _ = newWatcher(t) // without it, a goroutine per connection
	}
	var bg sync.WaitGroup
	if t.cfg.pace() > 0 {
		bg.Go(func() { t.dispatch(runCtx) })
	}
	clocks := make([]*dialClock, t.cfg.DialConcurrency)
	for i := range clocks {
		clocks[i] = &dialClock{}
		bg.Go(func() { t.dialLoop(runCtx, clocks[i]) })
	}
	bg.Go(func() { sweep(runCtx, clocks, t.cfg.Timeout) })
	stopReports := t.report(runCtx)
	reason := t.wait(runCtx)
	final := t.Counts()
	mem := memoryOf(rss, readRSS(), final.Established)
	cancel(nil)
	bg.Wait()
	stopReports()
	t.closeAll()
	if t.watch != nil {
		t.watch.stop()
	}
	t.holders.Wait()
	return t.result(final, reason, mem)
}

// withTimeoutCause cancels the context with errMaxDuration after d (0:
// never), so the end of a run can say why it ended.
func withTimeoutCause(ctx context.Context, d time.Duration) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if d <= 0 {
		return ctx, cancel
	}
	timer := time.AfterFunc(d, func() { cancel(errMaxDuration) })
	return ctx, func(err error) { timer.Stop(); cancel(err) }
}

// Counts returns how many slots are in each state now.
func (t *Tester) Counts() Counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	return countsOf(t.total, t.byState)
}

// wait blocks until the run should end and says why.
func (t *Tester) wait(ctx context.Context) string {
	select {
	case <-ctx.Done():
		return reasonOf(ctx)
	case <-t.autoStop:
		return t.autoReason()
	case <-t.rampDone:
	}
	if t.cfg.Auto {
		return fmt.Sprintf("reached the cap of %d connections", t.limit)
	}
	if t.cfg.Hold <= 0 {
		return "every connection tried, no hold"
	}
	timer := time.NewTimer(t.cfg.Hold)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return reasonOf(ctx)
	case <-timer.C:
		return fmt.Sprintf("held for %v", t.cfg.Hold)
	}
}

func reasonOf(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errMaxDuration) {
		return "max duration reached"
	}
	return "interrupted"
}

// report records a sample and calls OnInterval every Interval until the
// returned func is called.
func (t *Tester) report(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(t.cfg.Interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				c := t.Counts()
				t.samples.add(Sample{At: time.Since(t.start), Counts: c})
				if t.cfg.OnInterval != nil {
					t.cfg.OnInterval(c)
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// closeAll closes every open connection; the holders then return.
func (t *Tester) closeAll() {
	t.mu.Lock()
	t.stopping = true
	var open []net.Conn
	for _, s := range t.slots {
		if s.conn != nil {
			open = append(open, s.conn)
			s.conn = nil
		}
	}
	t.mu.Unlock()
	for _, c := range open {
		if tc, ok := c.(*net.TCPConn); ok && t.cfg.Reset {
			_ = tc.SetLinger(0)
		}
		_ = c.Close()
	}
}
