package capacity

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// errConnectTimeout marks a dial that got no handshake within Timeout.
var errConnectTimeout = errors.New("no handshake within the timeout")

// dialClock bounds one dialer's dials without a timer per dial: the
// dialer dials under a context it keeps until a sweep cancels it, and
// sweeps every Timeout/8 cancel the dials older than Timeout. A timer per
// dial (net.Dialer.Timeout) costs a tenth of the rate on loopback.
type dialClock struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelCauseFunc
	since  atomic.Int64 // start of the dial in flight (UnixNano), 0 when none
}

// begin returns the context of a dial starting now.
func (d *dialClock) begin(parent context.Context) context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil || d.ctx.Err() != nil {
		d.ctx, d.cancel = context.WithCancelCause(parent)
	}
	d.since.Store(time.Now().UnixNano())
	return d.ctx
}

func (d *dialClock) end() { d.since.Store(0) }

// expire cancels the dial in flight if it started before limit.
func (d *dialClock) expire(limit int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.since.Load(); s != 0 && s < limit {
		d.cancel(errConnectTimeout)
	}
}

func (d *dialClock) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		d.cancel(nil)
	}
}

// timedOut says whether the dial under ctx was cancelled by a sweep.
func timedOut(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errConnectTimeout)
}

// sweep expires the dials older than timeout until ctx is done.
func sweep(ctx context.Context, clocks []*dialClock, timeout time.Duration) {
	tick := time.NewTicker(max(timeout/8, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			limit := now.Add(-timeout).UnixNano()
			for _, c := range clocks {
				c.expire(limit)
			}
		}
	}
}
