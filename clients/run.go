package clients

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/leaklab/leaklab/internal/neterr"
)

// Run drives req with the load cfg describes and returns what happened.
// It stops sending when the duration ends, ctx is cancelled, the cap is
// reached or StopAfterErrors requests have failed, then waits for the
// requests in flight (at most DrainTimeout). Failed requests, a server
// that went away included, are counted by cause and the load goes on.
// It does not Close req: the caller measures what req still holds first.
func Run(ctx context.Context, req Requester, cfg LoadConfig) (Result, error) {
	if req == nil {
		return Result{}, errors.New("no requester; give one from NewFaulty, NewFixed or the other constructors")
	}
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	l := &load{cfg: cfg, req: req, start: time.Now(), causes: map[string]int64{}, failing: make(chan struct{})}
	// Requests outlive ctx: Ctrl-C stops the sending, not the answers.
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := l.send(ctx, reqCtx)
	cancelled := l.drain(cancel)
	res := l.result()
	res.Cancelled = cancelled
	switch stop {
	case stopCapped:
		res.Capped = true
		res.CapMessage = fmt.Sprintf("stopped sending early: %s held %d sockets and the socket cap is %d, so the leak cannot exhaust the machine", req.Name(), req.OpenConns(), cfg.MaxSockets)
	case stopErrors:
		res.StoppedOnErrors = true
	}
	return res, nil
}

// stopReason says why the sending stopped.
type stopReason int

const (
	stopDone   stopReason = iota // the duration ended or ctx was cancelled
	stopCapped                   // the socket cap was reached
	stopErrors                   // StopAfterErrors requests failed
)

// send runs the ticks until the duration ends, ctx is cancelled, the cap
// is reached or too many requests failed, and says which.
func (l *load) send(ctx, reqCtx context.Context) stopReason {
	burst := newBursts(l.cfg.Seed, l.cfg.Extra)
	var end <-chan time.Time
	if l.cfg.Duration > 0 {
		t := time.NewTimer(l.cfg.Duration)
		defer t.Stop()
		end = t.C
	}
	tick := time.NewTicker(l.cfg.Interval)
	defer tick.Stop()
	for {
		if ctx.Err() != nil { // cancelled before this tick: send nothing more
			return stopDone
		}
		if stop, ok := l.fireBurst(reqCtx, burst()); !ok {
			return stop
		}
		select {
		case <-ctx.Done():
			return stopDone
		case <-l.failing:
			return stopErrors
		case <-end:
			return stopDone
		case <-tick.C:
			l.report()
		}
	}
}

// fireBurst sends n requests; ok is false when the cap or the errors
// stopped it first.
func (l *load) fireBurst(ctx context.Context, n int) (stop stopReason, ok bool) {
	for i := 0; i < n; i++ {
		select {
		case <-l.failing:
			return stopErrors, false
		default:
		}
		if l.overCap() {
			return stopCapped, false
		}
		l.fire(ctx)
	}
	return stopDone, true
}

// newBursts returns the sequence of requests per tick: 1 plus a random
// 0..extra, the same sequence for the same seed.
func newBursts(seed uint64, extra int) func() int {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() int { return 1 + rng.IntN(extra+1) }
}

// overCap reports whether the sockets held, plus one for every request in
// flight that may still dial, reach the cap; so the cap is never passed.
func (l *load) overCap() bool {
	return l.cfg.MaxSockets > 0 && l.req.OpenConns()+int(l.inFlight.Load()) >= l.cfg.MaxSockets
}

// fire sends one request in its own goroutine.
func (l *load) fire(ctx context.Context) {
	l.sent.Add(1)
	l.inFlight.Add(1)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer l.inFlight.Add(-1)
		l.record(l.req.Do(ctx, l.cfg.Target))
	}()
}

func (l *load) record(o Outcome) {
	if o.Reused {
		l.reused.Add(1)
	}
	if o.Dialled {
		l.dials.Add(1)
	}
	cause := neterr.Cause(o.Err)
	if cause == "" && o.Status >= 400 {
		cause = fmt.Sprintf("http %d", o.Status)
	}
	if cause == "" {
		l.ok.Add(1)
		return
	}
	l.mu.Lock()
	l.causes[cause]++
	l.mu.Unlock()
	if n := l.errs.Add(1); l.cfg.StopAfterErrors > 0 && n >= int64(l.cfg.StopAfterErrors) {
		l.failingOnce.Do(func() { close(l.failing) })
	}
}

// drain waits for the in-flight requests, still reporting every
// Interval, and cancels them after DrainTimeout; it returns how many were
// still in flight then.
func (l *load) drain(cancel context.CancelFunc) int64 {
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	var timeout <-chan time.Time
	if l.cfg.DrainTimeout > 0 {
		t := time.NewTimer(l.cfg.DrainTimeout)
		defer t.Stop()
		timeout = t.C
	}
	tick := time.NewTicker(l.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case <-done:
			l.report()
			return 0
		case <-tick.C:
			l.report()
		case <-timeout:
			left := l.inFlight.Load()
			cancel()
			<-done
			l.report()
			return left
		}
	}
}

func (l *load) report() {
	if l.cfg.OnTick != nil {
		l.cfg.OnTick(l.status())
	}
}

func (l *load) status() Status {
	return Status{
		Elapsed:   time.Since(l.start),
		Sent:      l.sent.Load(),
		OK:        l.ok.Load(),
		Errors:    l.errs.Load(),
		InFlight:  l.inFlight.Load(),
		OpenConns: l.req.OpenConns(),
	}
}

func (l *load) result() Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	causes := make(map[string]int64, len(l.causes))
	for k, v := range l.causes {
		causes[k] = v
	}
	return Result{
		Variant: l.req.Name(), Elapsed: time.Since(l.start),
		Requests: l.sent.Load(), OK: l.ok.Load(), Errors: l.errs.Load(),
		ErrorsByCause: causes, Dials: l.dials.Load(), Reused: l.reused.Load(),
	}
}
