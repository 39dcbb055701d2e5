package experiments

import (
	"fmt"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// ServerNoIdleTimeout is the scenario of a server without timeouts facing
// quiet clients: here the variant is the server.
const ServerNoIdleTimeout = "server-no-idle-timeout"

func init() {
	register(Scenario{
		Name:      ServerNoIdleTimeout,
		Summary:   "an http.Server without IdleTimeout nor ReadHeaderTimeout; quiet clients hold its connections forever",
		Symptom:   "server side ESTABLISHED (idle and half-sent connections) never goes down",
		Lesson:    "docs/07-server-no-idle-timeout.md",
		Requester: func(variant string, _ Config) clients.Requester { return clients.NewQuiet(variant) },
		Server:    quietServer,
		IdleBound: 0,
		Wait:      func(c Config) time.Duration { idle, _ := ServerTimeouts(c.Delay); return idle },
		Columns:   []string{ColPeakServerEstablished, ColServerEstablished},
		Judge:     judgeServerHeld,
	})
}

// ServerTimeouts are the fixed server's IdleTimeout, the server's delay
// and at least 100 ms, and ReadHeaderTimeout, half of it (10 s for the
// default 20 s delay, the default server's own header timeout).
func ServerTimeouts(delay time.Duration) (idle, header time.Duration) {
	idle = max(delay, 100*time.Millisecond)
	return idle, idle / 2
}

// quietServer sets no timeout on the faulty server (nor a ReadTimeout,
// which Go would use in their place), and both on the fixed one.
func quietServer(variant string, c Config, sc *server.Config) {
	sc.IdleTimeout, sc.ReadHeaderTimeout = 0, 0
	if variant == clients.Fixed {
		sc.IdleTimeout, sc.ReadHeaderTimeout = ServerTimeouts(c.Delay)
	}
}

// judgeServerHeld is the verdict of server-no-idle-timeout, from the
// server side census. A server that times quiet connections out holds each
// for at most its IdleTimeout (its ReadHeaderTimeout is shorter): Little's
// law with W = IdleTimeout (Scenario.Wait) and no idle pool. More server
// side ESTABLISHED sockets than the worst case (Bound.Max) in any sample,
// or once settled, mean connections nobody closes.
func judgeServerHeld(c Config, r *VariantResult) {
	b := r.BoundDetail
	idle, header := ServerTimeouts(c.Delay)
	if r.PeakServerEstablished > b.Max || r.ServerEstablished > b.Max {
		r.Verdict = Leaking
		r.Meaning = fmt.Sprintf("%s: the server still holds %d connections after the load (peak %d; with an idle timeout of %v it holds at most %d): idle and half-sent connections stay open for as long as their clients like",
			r.Variant, r.ServerEstablished, r.PeakServerEstablished, idle, b.Max)
	} else {
		r.Verdict = Bounded
		r.Meaning = fmt.Sprintf("%s: the server held at most %d connections (λ·W = %.0f, worst case %d) and %d once settled: IdleTimeout %v and ReadHeaderTimeout %v closed the quiet ones",
			r.Variant, r.PeakServerEstablished, b.InFlight, b.Max, r.ServerEstablished, idle, header)
	}
	r.Meaning += capNote(r)
}
