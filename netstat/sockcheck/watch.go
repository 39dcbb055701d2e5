package sockcheck

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Watcher samples the sockets a selection chooses in the background, every
// Interval, while a test exercises code; then it asserts the peak
// (PeakAtMost) and how the count settles (SettlesTo). Start one with Watch;
// it stops at the test's cleanup, or with Stop.
type Watcher struct {
	t        TestingT
	c        *config
	r        *record
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	mu       sync.Mutex
	err      error // an invalid option or a failed sample
	reported bool  // whether err has been reported
}

// Watch takes a first sample now and then one every Interval until Stop.
// When t has a Cleanup method, as *testing.T does, the watcher stops at
// cleanup; otherwise call Stop. An invalid option or an unreadable socket
// table fails the test, and the watcher's assertions then return false.
func Watch(t TestingT, opts ...Option) *Watcher {
	t.Helper()
	w := &Watcher{t: t, r: newRecord(), stop: make(chan struct{}), done: make(chan struct{})}
	c, err := newConfig(opts)
	w.c = c
	if err == nil {
		err = w.sample(context.Background())
	}
	if err != nil {
		w.err, w.reported = err, true
		close(w.done)
		t.Errorf("%v", err)
		return w
	}
	if ct, ok := t.(interface{ Cleanup(func()) }); ok {
		ct.Cleanup(w.Stop)
	}
	go w.run()
	return w
}

// Stop ends the background sampling and waits for it to end; it reports
// a failed sample that no assertion has reported. It is safe to call more
// than once.
func (w *Watcher) Stop() {
	w.t.Helper()
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
	w.ready(false)
}

// Peak returns the most sockets seen open at once so far, and when.
func (w *Watcher) Peak() (n int, at time.Time) {
	peak, _ := w.r.snapshot()
	return len(peak.open), peak.taken
}

// PeakAtMost takes one more sample, then fails the test unless the most
// sockets seen open at once, over every sample, is at most n. A burst
// shorter than Interval can fall between two samples.
func (w *Watcher) PeakAtMost(n int) bool {
	w.t.Helper()
	if !w.ready(true) {
		return false
	}
	peak, _ := w.r.snapshot()
	if len(peak.open) <= n {
		return true
	}
	headline := fmt.Sprintf("peak of %s, want at most %d: %s",
		plural(len(peak.open), "socket"), n, stateLine(peak.open))
	w.t.Errorf("%s", report(headline, w.c, w.r, peak))
	return false
}

// SettlesTo fails the test unless at most n sockets are open within the
// given time, sampling with capped exponential backoff until they are.
func (w *Watcher) SettlesTo(n int, within time.Duration) bool {
	w.t.Helper()
	if !w.ready(false) {
		return false
	}
	start := time.Now()
	atMostN := func(s sample) bool { return len(s.open) <= n }
	last, err := poll(context.Background(), w.c, w.r, start.Add(within), atMostN, w.c.checkListening)
	if err != nil {
		w.t.Errorf("%v", err)
		return false
	}
	if atMostN(last) {
		return true
	}
	headline := fmt.Sprintf("%s still open %v after SettlesTo(%d), want at most %d: %s",
		plural(len(last.open), "socket"), within, n, n, stateLine(last.open))
	w.t.Errorf("%s", report(headline, w.c, w.r, last))
	return false
}

func (w *Watcher) run() {
	defer close(w.done)
	tick := time.NewTicker(w.c.interval)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
			if err := w.sample(context.Background()); err != nil {
				return
			}
		}
	}
}

// sample takes one sample into the record; a failure is kept for the next
// assertion to report.
func (w *Watcher) sample(ctx context.Context) error {
	s, err := takeSample(ctx, w.c)
	if err != nil {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		return err
	}
	w.r.add(s)
	return nil
}

// ready takes a sample if fresh is set, and reports whether the watcher
// can judge: an invalid option or a failed sample makes it false and is
// reported once.
func (w *Watcher) ready(fresh bool) bool {
	w.t.Helper()
	w.mu.Lock()
	failed := w.err != nil
	w.mu.Unlock()
	if !failed && fresh {
		failed = w.sample(context.Background()) != nil
	}
	if !failed {
		return true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.reported {
		w.reported = true
		w.t.Errorf("%v", w.err)
	}
	return false
}
