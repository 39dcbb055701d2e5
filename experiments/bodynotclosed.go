package experiments

import (
	"fmt"
	"net/http"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// BodyNotClosed is the scenario of a response body that is never closed.
const BodyNotClosed = "body-not-closed"

// IdleTimeoutFactor sets the idle timeout of the body-not-closed servers:
// five times their delay (100 s for the default 20 s), because most
// servers and load balancers close idle connections after a minute or
// two. It is what turns the faulty client's held sockets into CLOSE_WAIT.
const IdleTimeoutFactor = 5

func init() {
	register(Scenario{
		Name:      BodyNotClosed,
		Summary:   "resp.Body is never closed; each answer pins its connection and two goroutines",
		Symptom:   "client ESTABLISHED, then CLOSE_WAIT once the server closes its end; two goroutines per held connection",
		Lesson:    "docs/02-body-not-closed.md",
		Requester: bodyNotClosedRequester,
		Server: func(_ string, c Config, sc *server.Config) {
			sc.IdleTimeout = IdleTimeoutFactor * c.Delay
		},
		IdleBound: http.DefaultMaxIdleConnsPerHost,
		Columns:   []string{ColCloseWait, ColGoroutines},
		Judge:     judgeHeld,
	})
}

func bodyNotClosedRequester(variant string, _ Config) clients.Requester {
	if variant == clients.Faulty {
		return clients.NewUnclosedBody()
	}
	return clients.NewClosedBody()
}

// judgeHeld is the verdict of body-not-closed. Once the load has stopped
// and every request has finished, a client that closes its bodies keeps
// at most its idle pool (the bound's Idle, MaxIdleConnsPerHost); every
// other connection went back to the pool and was reused or closed. Held
// connections are the client side sockets ESTABLISHED or CLOSE_WAIT when
// settled (a CLOSE_WAIT socket is held too: the server closed its end, the
// client never did). Tolerance: none beyond the pool, since the census is
// taken once the counts have stopped changing; and, as for any scenario,
// no sample may pass the worst case of a correct client (Bound.Max).
func judgeHeld(_ Config, r *VariantResult) {
	b := r.BoundDetail
	held := r.SettledEstablished + r.CloseWait
	switch {
	case held > b.Idle || r.PeakEstablished > b.Max:
		r.Verdict = Leaking
		r.Meaning = fmt.Sprintf("%s: still holds %d connections after the load (%d ESTABLISHED, %d CLOSE_WAIT; peak %d ESTABLISHED, a correct client keeps %d idle and peaks under %d) with %s: every unclosed body pins its connection and its persistConn read and write loops",
			r.Variant, held, r.SettledEstablished, r.CloseWait, r.PeakEstablished, b.Idle, b.Max, goroutinesPhrase(r.Goroutines, held))
	default:
		r.Verdict = Bounded
		r.Meaning = fmt.Sprintf("%s: holds %d idle after the load (the pool keeps at most %d) with %s, and peaked at %d ESTABLISHED (worst case %d): bodies are closed and connections reused (%d of %d requests)",
			r.Variant, held, b.Idle, goroutinesPhrase(r.Goroutines, held), r.PeakEstablished, b.Max, r.Reused, r.Requests)
	}
	if r.Verdict == Bounded && r.TimeWait > 0 {
		r.Meaning += fmt.Sprintf("; its %d TIME_WAIT come from a pool of %d idle, smaller than the %.0f requests in flight (see %s)",
			r.TimeWait, b.Idle, b.InFlight, IdlePoolTooSmall)
	}
	r.Meaning += capNote(r)
}

// goroutinesPhrase says how many goroutines the client's requests left,
// and how many per connection held.
func goroutinesPhrase(n, held int) string {
	switch {
	case n < 0:
		return "an unknown number of goroutines"
	case held == 0:
		return fmt.Sprintf("%d goroutines", n)
	}
	return fmt.Sprintf("%d goroutines (%.1f per connection)", n, float64(n)/float64(held))
}

// capNote is the sentence added when the socket cap stopped the run.
func capNote(r *VariantResult) string {
	if !r.Capped {
		return ""
	}
	return "; " + r.CapMessage
}
