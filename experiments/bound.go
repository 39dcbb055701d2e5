package experiments

import (
	"fmt"
	"math"
)

// Bound is what Little's law predicts for a correct client: with λ
// requests a second answered in W seconds, L = λ·W requests are in flight
// on average, each on its own HTTP/1.1 connection, plus at most Idle
// connections parked in the pool.
type Bound struct {
	// Lambda is the mean request rate: (1 + Extra/2) per Interval.
	Lambda float64 `json:"lambda_per_second"`
	// W is the server's answer time in seconds.
	W float64 `json:"w_seconds"`
	// InFlight is λ·W, the mean number of requests in flight.
	InFlight float64 `json:"in_flight"`
	// Idle is MaxIdleConnsPerHost, the most idle connections kept.
	Idle int `json:"idle"`
	// Expected is λ·W + Idle, the mean socket count of a correct client.
	Expected float64 `json:"expected"`
	// Max is the worst case a correct client can reach: every tick at its
	// largest burst (1 + Extra) for the ticks that fit in W, plus one tick
	// of scheduling slack, plus the idle pool. A sample above it is a leak,
	// not bad luck.
	Max int `json:"max"`
}

// NewBound computes the bound of a comparison.
func NewBound(c Config, idle int) Bound {
	w := c.Delay.Seconds()
	lambda := (1 + float64(c.Extra)/2) / c.Interval.Seconds()
	ticks := int(math.Ceil(float64(c.Delay)/float64(c.Interval))) + 2
	return Bound{
		Lambda: lambda, W: w, InFlight: lambda * w, Idle: idle,
		Expected: lambda*w + float64(idle),
		Max:      (1+c.Extra)*ticks + idle,
	}
}

// String formats the bound as people read it: "λ·W + 2 = 42 (worst 68)".
func (b Bound) String() string {
	return fmt.Sprintf("λ·W + %d = %.0f (worst %d)", b.Idle, b.Expected, b.Max)
}
