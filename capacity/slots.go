package capacity

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/leaklab/leaklab/internal/neterr"
)

// tally is what a run counted; guarded by Tester.mu.
type tally struct {
	dials        int64
	established  int64
	closedByPeer int64
	errors       int64
	causes       map[string]int64
	examples     map[string]string // the first error of each cause
	peak         int
	peakAt       time.Duration
	reached      bool
	reachedAt    time.Duration
	resolved     int    // slots whose first try ended
	sincePeak    int    // failures since the last new peak (auto mode)
	autoReason   string // why an auto run stopped, once it has
}

// newSlot returns the next slot to dial, or nil when the run has as many
// as it may have.
func (t *Tester) newSlot() *slot {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.created || t.stopping {
		return nil
	}
	s := &slot{id: len(t.slots)}
	t.slots = append(t.slots, s)
	if t.cfg.Auto {
		t.total++
		t.byState[NotInitiated]++
	}
	if len(t.slots) >= t.limit {
		t.created = true
		t.checkRampLocked()
	}
	return s
}

func (t *Tester) moveLocked(s *slot, to State) {
	t.byState[s.state]--
	t.byState[to]++
	s.state = to
}

// dialing moves a slot to Dialing.
func (t *Tester) dialing(s *slot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.moveLocked(s, Dialing)
	t.tally.dials++
}

// established records an open connection; it returns false when the run
// is stopping and the caller must close c itself.
func (t *Tester) established(s *slot, c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return false
	}
	s.conn = c
	t.moveLocked(s, Established)
	t.tally.established++
	t.resolveLocked(s)
	now := time.Since(t.start)
	if n := t.byState[Established]; n > t.tally.peak {
		t.tally.peak, t.tally.peakAt, t.tally.sincePeak = n, now, 0
	}
	if n := t.byState[Established]; !t.tally.reached && t.cfg.Connections > 0 && n >= t.cfg.Connections {
		t.tally.reached, t.tally.reachedAt = true, now
	}
	return true
}

// failed records a slot whose dial failed or whose connection ended:
// Closed when the peer closed an idle connection, Error otherwise.
func (t *Tester) failed(s *slot, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return
	}
	s.conn = nil
	cause := neterr.EOF
	if closedByPeer(err) {
		t.moveLocked(s, Closed)
		t.tally.closedByPeer++
	} else {
		cause = causeOf(err)
		t.moveLocked(s, Error)
		t.countErrorLocked(cause, err)
	}
	t.resolveLocked(s)
	t.failureLocked(cause)
	if t.cfg.Reopen {
		t.redial <- s // never blocks: it holds one place per slot
	}
}

func (t *Tester) countErrorLocked(cause string, err error) {
	if t.tally.causes == nil {
		t.tally.causes, t.tally.examples = map[string]int64{}, map[string]string{}
	}
	t.tally.errors++
	t.tally.causes[cause]++
	if _, ok := t.tally.examples[cause]; !ok {
		t.tally.examples[cause] = err.Error()
	}
}

func (t *Tester) resolveLocked(s *slot) {
	if !s.tried {
		s.tried = true
		t.tally.resolved++
		t.checkRampLocked()
	}
}

func (t *Tester) checkRampLocked() {
	if t.created && !t.ramped && t.tally.resolved == len(t.slots) {
		t.ramped = true
		close(t.rampDone)
	}
}

// failureLocked stops an auto run after FailAfter failures without a new
// peak of established connections.
func (t *Tester) failureLocked(cause string) {
	if !t.cfg.Auto {
		return
	}
	t.tally.sincePeak++
	if t.tally.sincePeak >= t.cfg.FailAfter && t.tally.autoReason == "" {
		t.tally.autoReason = fmt.Sprintf("%d failures without a new peak, the last one %s", t.tally.sincePeak, cause)
		if ex, ok := t.tally.examples[cause]; ok {
			t.tally.autoReason += " (" + ex + ")"
		}
		close(t.autoStop)
	}
}

func (t *Tester) autoReason() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tally.autoReason
}

// exchangeError is a failure while the tester waited for an answer (a
// first response or a pong): even a clean close by the peer is an error
// then.
type exchangeError struct {
	what string
	err  error
}

func (e *exchangeError) Error() string { return e.what + ": " + e.err.Error() }
func (e *exchangeError) Unwrap() error { return e.err }

// statusError is an HTTP answer other than 200.
type statusError struct{ code int }

func (e *statusError) Error() string { return fmt.Sprintf("HTTP status %d, want 200", e.code) }

func closedByPeer(err error) bool {
	var ex *exchangeError
	return errors.Is(err, io.EOF) && !errors.As(err, &ex)
}

// causeOf names the cause of an error as neterr does, with "http NNN"
// for a bad status, "protocol" for an answer that makes no sense, and
// "connect timeout" for a handshake that did not complete.
func causeOf(err error) string {
	var st *statusError
	if errors.As(err, &st) {
		return fmt.Sprintf("http %d", st.code)
	}
	if errors.Is(err, errUnexpectedBytes) {
		return causeProtocol
	}
	var op *net.OpError
	if errors.Is(err, errConnectTimeout) || errors.As(err, &op) && op.Op == "dial" && op.Timeout() {
		return causeConnectTimeout
	}
	return neterr.Cause(err)
}
