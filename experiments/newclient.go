package experiments

import (
	"fmt"
	"time"

	"github.com/leaklab/leaklab/clients"
)

// NewClientPerRequest is the first scenario: a new http.Client and
// Transport per request against one shared, well-configured Transport.
const NewClientPerRequest = "new-client-per-request"

func init() {
	register(Scenario{
		Name:      NewClientPerRequest,
		Summary:   "a new http.Client and Transport per request; each idle pool is orphaned",
		Symptom:   "client ESTABLISHED after the load (one per finished request)",
		Lesson:    "docs/01-new-client-per-request.md",
		Requester: newClientRequester,
		IdleBound: clients.FixedMaxIdleConnsPerHost,
		Judge:     judgeSettledEstablished,
	})
}

func newClientRequester(variant string, c Config) clients.Requester {
	if variant == clients.Faulty {
		return clients.NewFaulty()
	}
	return clients.NewFixed(clients.FixedConfig{
		Timeout:         FixedTimeout(c.Delay),
		IdleConnTimeout: clients.DefaultIdleConnTimeout,
	})
}

// FixedTimeout is the fixed client's request timeout: twice the server's
// delay, and at least a second, so a slow answer still arrives.
func FixedTimeout(delay time.Duration) time.Duration {
	return max(2*delay, time.Second)
}

// judgeSettledEstablished is the verdict of a scenario whose faulty
// variant leaves connections open: once the load has stopped and the
// requests in flight have finished, only the idle pool may remain, and no
// sample may exceed the worst case of a correct client.
func judgeSettledEstablished(c Config, r *VariantResult) {
	b := r.BoundDetail
	switch {
	case r.SettledEstablished > b.Idle:
		r.Verdict = Leaking
		r.Meaning = fmt.Sprintf("%s: %d of %d finished requests left their connection ESTABLISHED after the load (a correct client keeps at most %d idle): every request orphaned its connection",
			r.Variant, r.SettledEstablished, r.OK+r.Errors, b.Idle)
	case r.PeakEstablished > b.Max:
		r.Verdict = Leaking
		r.Meaning = fmt.Sprintf("%s: peaked at %d ESTABLISHED, above the worst case of a correct client (%d), though it settled to %d",
			r.Variant, r.PeakEstablished, b.Max, r.SettledEstablished)
	default:
		r.Verdict = Bounded
		r.Meaning = fmt.Sprintf("%s: peaked at %d ESTABLISHED (λ·W + %d = %.0f expected, worst case %d) and settled to %d idle: connections are reused (%d of %d requests)",
			r.Variant, r.PeakEstablished, b.Idle, b.Expected, b.Max, r.SettledEstablished, r.Reused, r.Requests)
	}
	if r.Verdict == Bounded && r.TimeWait > 0 {
		r.Meaning += fmt.Sprintf("; its %d TIME_WAIT come from %d dials: a pool of %d idle is smaller than the %.0f requests in flight (see idle-pool-too-small)",
			r.TimeWait, r.Dials, b.Idle, b.InFlight)
	}
	if r.Capped {
		r.Meaning += "; " + r.CapMessage
	}
}
