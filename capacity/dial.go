package capacity

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// newDialers returns one dialer per source address, or one that lets the
// kernel choose. TCP keep-alive probes are off: a held connection costs
// no traffic unless Ping asks for it. Timeout is enforced by dialClock.
func newDialers(cfg Config) []*net.Dialer {
	if len(cfg.Sources) == 0 {
		return []*net.Dialer{{KeepAlive: -1}}
	}
	out := make([]*net.Dialer, len(cfg.Sources))
	for i, src := range cfg.Sources {
		out[i] = &net.Dialer{
			KeepAlive: -1,
			LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0)),
			Control:   bindNoPort,
		}
	}
	return out
}

// dispatch hands slots to the dialers at the configured pace (a paced run
// only): reopened slots first, then new ones, until the run ends.
func (t *Tester) dispatch(ctx context.Context) {
	p := pacer{every: t.cfg.pace()}
	defer p.stop()
	for {
		s := t.next(ctx)
		if s == nil || !p.wait(ctx) {
			return
		}
		select {
		case t.jobs <- s:
		case <-ctx.Done():
			return
		}
	}
}

// next returns a slot to reopen, else a new slot, else waits for a slot
// to reopen; nil when the run ends.
func (t *Tester) next(ctx context.Context) *slot {
	select {
	case s := <-t.redial:
		return s
	default:
	}
	if s := t.newSlot(); s != nil {
		return s
	}
	select {
	case s := <-t.redial:
		return s
	case <-ctx.Done():
		return nil
	}
}

// dialLoop is one of the DialConcurrency dialers.
func (t *Tester) dialLoop(ctx context.Context, clock *dialClock) {
	defer clock.stop()
	for s := t.take(ctx); s != nil; s = t.take(ctx) {
		t.open(ctx, clock, s)
	}
}

// take returns the next slot to dial: from the dispatcher when the run is
// paced, else straight from next, so that dialing as fast as possible
// waits for no other goroutine. It returns nil when the run ends.
func (t *Tester) take(ctx context.Context) *slot {
	if t.cfg.pace() <= 0 {
		return t.next(ctx)
	}
	select {
	case <-ctx.Done():
		return nil
	case s := <-t.jobs:
		return s
	}
}

// open dials one slot and, on success, hands the connection to the
// watcher, or to a holder goroutine of its own when it has more to do.
func (t *Tester) open(ctx context.Context, clock *dialClock, s *slot) {
	t.dialing(s)
	d := t.dialers[s.id%len(t.dialers)]
	start := time.Now()
	dctx := clock.begin(ctx)
	c, err := d.DialContext(dctx, "tcp", t.addr)
	clock.end()
	if err != nil {
		if timedOut(dctx) {
			err = fmt.Errorf("dial tcp %s: %w (%v)", t.target, errConnectTimeout, t.cfg.Timeout)
		}
		if ctx.Err() == nil {
			t.failed(s, err)
		}
		return
	}
	t.hist.Record(time.Since(start))
	if !t.established(s, c) {
		_ = c.Close()
		return
	}
	if t.watch != nil && t.watch.add(s, c) == nil {
		return
	}
	t.holders.Add(1)
	go t.hold(s, c)
}

// pacer spaces the starts of dials every `every`. When it falls behind it
// catches up at once, but never by more than a second's worth of dials.
type pacer struct {
	every time.Duration
	next  time.Time
	timer *time.Timer
}

func (p *pacer) wait(ctx context.Context) bool {
	if p.every <= 0 {
		return ctx.Err() == nil
	}
	now := time.Now()
	if p.next.Before(now.Add(-time.Second)) {
		p.next = now
	}
	d := p.next.Sub(now)
	p.next = p.next.Add(p.every)
	if d < time.Millisecond { // sleeping less than that costs more than it saves
		return ctx.Err() == nil
	}
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		p.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		return false
	case <-p.timer.C:
		return true
	}
}

func (p *pacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
