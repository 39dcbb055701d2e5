package experiments

import (
	"fmt"

	"github.com/leaklab/leaklab/clients"
)

// poolFor is the idle pool per host sized to a load: the most requests a
// correct client can have in flight at once (the worst case of the bound
// with W the server's delay, without any idle connection).
func poolFor(c Config) int { return NewBound(c, 0).Max }

// churnTolerance is how many connections a client that reuses may still
// close during the load: one per failed request (the Transport drops a
// connection that failed), the bound's Idle for a connection the server
// or the kernel had not yet settled, and, for runs longer than the
// Transport's IdleConnTimeout (90 s), the connections above λ·W that
// could sit idle that long, once per IdleConnTimeout.
func churnTolerance(c Config, r *VariantResult) int64 {
	b := r.BoundDetail
	tol := r.Errors + int64(b.Idle)
	if periods := int64(c.Duration / clients.DefaultTransportIdleConnTimeout); periods > 0 {
		tol += periods * int64(max(0, r.PeakEstablished-int(b.InFlight)))
	}
	return tol
}

// judgeChurn returns the verdict of a scenario whose faulty variant throws
// connections away instead of reusing them (body-not-drained,
// idle-pool-too-small). Their fixed clients keep an idle pool as large as
// the most requests they can have in flight, so while the load sends they
// close a connection only when a request fails. Churned (see
// VariantResult) counts the connections closed while sending; more than
// churnTolerance is churn, each closed connection leaving a TIME_WAIT
// socket on the client side when the client closed first. The closes at
// the end of the load, when a pool too small for the last requests drops
// the surplus, are not churn and are left out. why says, for the faulty
// variant, what threw the connections away.
func judgeChurn(why string) func(Config, *VariantResult) {
	return func(c Config, r *VariantResult) {
		tol := churnTolerance(c, r)
		if r.Churned > tol {
			r.Verdict = Leaking
			r.Meaning = fmt.Sprintf("%s: churning: dialled %d connections for %d requests (%.2f per request) and closed %d of them while sending (a client that reuses closes at most %d here), leaving %d TIME_WAIT on the client side: %s",
				r.Variant, r.Dials, r.Requests, r.DialsPerRequest, r.Churned, tol, r.TimeWait, why)
		} else {
			r.Verdict = Bounded
			r.Meaning = fmt.Sprintf("%s: dialled %d connections for %d requests (%.2f per request) and closed %d while sending (at most %d allowed), %d TIME_WAIT: connections are reused (%d of %d requests)",
				r.Variant, r.Dials, r.Requests, r.DialsPerRequest, r.Churned, tol, r.TimeWait, r.Reused, r.Requests)
		}
		r.Meaning += capNote(r)
	}
}
