package experiments

import (
	"fmt"
	"net/http"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/leaklab/leaklab/server"
)

// NoTimeout is the scenario of a client without timeout against a server
// that never answers.
const NoTimeout = "no-timeout"

func init() {
	register(Scenario{
		Name:      NoTimeout,
		Summary:   "no Client.Timeout nor deadline against a server that never answers; requests wait forever",
		Symptom:   "requests in flight and client ESTABLISHED grow for as long as the load runs",
		Lesson:    "docs/04-no-timeout.md",
		Requester: noTimeoutRequester,
		Server:    func(_ string, _ Config, sc *server.Config) { sc.Hang = true },
		IdleBound: http.DefaultMaxIdleConnsPerHost,
		Wait:      func(c Config) time.Duration { return HangTimeout(c.Delay) },
		Columns:   []string{ColPeakInFlight, ColCancelled},
		Judge:     judgeInFlight,
	})
}

// HangTimeout is the fixed no-timeout client's Client.Timeout: twice the
// answer time the server normally has (-delay), and at least 100 ms.
func HangTimeout(delay time.Duration) time.Duration {
	return max(2*delay, 100*time.Millisecond)
}

func noTimeoutRequester(variant string, c Config) clients.Requester {
	if variant == clients.Faulty {
		return clients.NewNoTimeout()
	}
	return clients.NewWithTimeout(HangTimeout(c.Delay))
}

// judgeInFlight is the verdict of no-timeout. A client whose every request
// ends within its timeout T has at most the requests it sends in T in
// flight: the bound with W = T (Scenario.Wait), whose worst case without
// the idle pool is every tick at its largest burst for the ticks that fit
// in T, plus two ticks of slack. More requests in flight in any sample
// (the client's own count), or more client ESTABLISHED sockets than
// Bound.Max, mean requests that never end. So does a single request the
// load's drain timeout had to cancel: it waited 2·delay + 5 s after the
// sending stopped, longer than T, which matters for runs too short for
// the count to pass the bound (the default 60 s run with a 40 s timeout).
func judgeInFlight(c Config, r *VariantResult) {
	b := r.BoundDetail
	worst := int64(b.Max - b.Idle)
	t := HangTimeout(c.Delay)
	if r.PeakInFlight > worst || r.PeakEstablished > b.Max || r.Cancelled > 0 {
		r.Verdict = Leaking
		r.Meaning = fmt.Sprintf("%s: %d requests in flight and %d ESTABLISHED at the peak (with a %v timeout at most %d and %d): no request ever ended by itself; each held its connection and goroutines until the run's drain timeout cancelled %d of them",
			r.Variant, r.PeakInFlight, r.PeakEstablished, t, worst, b.Max, r.Cancelled)
	} else {
		r.Verdict = Bounded
		r.Meaning = fmt.Sprintf("%s: at most %d requests in flight and %d ESTABLISHED (λ·T = %.0f, worst case %d): %d requests failed fast on their %v timeout and gave their connection back",
			r.Variant, r.PeakInFlight, r.PeakEstablished, b.InFlight, worst, r.ErrorsByCause[neterr.Timeout], t)
	}
	r.Meaning += capNote(r)
}
