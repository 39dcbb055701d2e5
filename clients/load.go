package clients

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the load: one request a second plus up to two more.
const (
	DefaultInterval     = time.Second
	DefaultExtra        = 2
	DefaultSeed         = 1
	DefaultMaxSockets   = 2000
	DefaultDrainTimeout = time.Minute
	// MinInterval is the shortest period of the ticks: below it the load
	// is a flood, not a client.
	MinInterval = time.Millisecond
)

// LoadConfig is the shape of the load Run sends.
type LoadConfig struct {
	// Target is the URL every request GETs.
	Target string
	// Interval is the period of the ticks; each tick sends one request.
	Interval time.Duration
	// Extra adds a random 0..Extra more requests to each tick.
	Extra int
	// Duration ends the run; 0 runs until the context is cancelled.
	Duration time.Duration
	// Seed seeds the random extras, so runs are repeatable.
	Seed uint64
	// MaxSockets stops a run whose requester holds this many sockets; 0
	// means no cap (not advised for a leaking client).
	MaxSockets int
	// DrainTimeout bounds the wait for in-flight requests once sending has
	// stopped; the ones left are then cancelled. 0 waits for all of them.
	DrainTimeout time.Duration
	// StopAfterErrors stops the sending once this many requests have
	// failed, whatever the cause; 0 never stops on errors.
	StopAfterErrors int
	// OnTick, if set, is called once per Interval with the running status.
	OnTick func(Status)
}

// Status is the state of a run at one moment.
type Status struct {
	Elapsed   time.Duration `json:"elapsed"`
	Sent      int64         `json:"sent"`
	OK        int64         `json:"ok"`
	Errors    int64         `json:"errors"`
	InFlight  int64         `json:"in_flight"`
	OpenConns int           `json:"open_conns"`
}

// Result is what a whole run did.
type Result struct {
	Variant  string        `json:"variant"`
	Elapsed  time.Duration `json:"elapsed"`
	Requests int64         `json:"requests"`
	OK       int64         `json:"ok"`
	Errors   int64         `json:"errors"`
	// ErrorsByCause counts errors by neterr cause, or "http NNN".
	ErrorsByCause map[string]int64 `json:"errors_by_cause,omitempty"`
	// Dials counts requests that opened a new connection.
	Dials int64 `json:"dials"`
	// Reused counts requests that went over a pooled connection.
	Reused int64 `json:"reused"`
	// Capped is true when MaxSockets stopped the run; CapMessage says so.
	Capped     bool   `json:"capped"`
	CapMessage string `json:"cap_message,omitempty"`
	// StoppedOnErrors is true when StopAfterErrors stopped the sending.
	StoppedOnErrors bool `json:"stopped_on_errors,omitempty"`
	// Cancelled counts in-flight requests cancelled after DrainTimeout.
	Cancelled int64 `json:"cancelled"`
}

// load is one run in progress.
type load struct {
	cfg      LoadConfig
	req      Requester
	start    time.Time
	sent     atomic.Int64
	ok       atomic.Int64
	errs     atomic.Int64
	dials    atomic.Int64
	reused   atomic.Int64
	inFlight atomic.Int64
	mu       sync.Mutex
	causes   map[string]int64
	wg       sync.WaitGroup
	// failing is closed once StopAfterErrors requests have failed.
	failing     chan struct{}
	failingOnce sync.Once
}

// Validate reports the first setting that makes no sense.
func (c LoadConfig) Validate() error {
	switch {
	case c.Target == "":
		return fmt.Errorf("no target URL; give one such as http://127.0.0.1:8080/")
	case c.Interval <= 0:
		return fmt.Errorf("interval %v must be positive, such as 1s", c.Interval)
	case c.Interval < MinInterval:
		return fmt.Errorf("interval %v is shorter than %v: the client would send as fast as it can; give %v or more", c.Interval, MinInterval, MinInterval)
	case c.Extra < 0:
		return fmt.Errorf("extra %d must be 0 or more", c.Extra)
	case c.Duration < 0:
		return fmt.Errorf("duration %v is negative; give 0 to run until Ctrl-C", c.Duration)
	case c.Duration > 0 && c.Interval >= c.Duration:
		return fmt.Errorf("interval %v is not shorter than duration %v; shorten the interval or lengthen the run", c.Interval, c.Duration)
	case c.MaxSockets < 0:
		return fmt.Errorf("max sockets %d is negative; give 0 for no cap", c.MaxSockets)
	case c.DrainTimeout < 0:
		return fmt.Errorf("drain timeout %v is negative; give 0 to wait for every request in flight", c.DrainTimeout)
	case c.StopAfterErrors < 0:
		return fmt.Errorf("stop after %d errors is negative; give 0 to keep going whatever fails", c.StopAfterErrors)
	}
	return nil
}
