package clients

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/internal/seconds"
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
	// Target is the URL every request GETs: http://, on a loopback host
	// (127.0.0.0/8, ::1, localhost) unless AllowRemote is set.
	Target string
	// AllowRemote lets Target be any host. The kit's clients are made to
	// leak: point them only at servers you own.
	AllowRemote bool
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
	Elapsed   time.Duration `json:"-"` // elapsed_seconds in JSON
	Sent      int64         `json:"sent"`
	OK        int64         `json:"ok"`
	Errors    int64         `json:"errors"`
	InFlight  int64         `json:"in_flight"`
	OpenConns int           `json:"open_conns"`
}

// Result is what a whole run did.
type Result struct {
	Variant  string        `json:"variant"`
	Elapsed  time.Duration `json:"-"` // elapsed_seconds in JSON
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

// MarshalJSON writes Elapsed as elapsed_seconds, float seconds.
func (s Status) MarshalJSON() ([]byte, error) {
	type plain Status
	return json.Marshal(struct {
		plain
		Elapsed float64 `json:"elapsed_seconds"`
	}{plain(s), seconds.Of(s.Elapsed)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Status) UnmarshalJSON(data []byte) error {
	type plain Status
	w := struct {
		*plain
		Elapsed float64 `json:"elapsed_seconds"`
	}{plain: (*plain)(s)}
	err := json.Unmarshal(data, &w)
	s.Elapsed = seconds.Duration(w.Elapsed)
	return err
}

// MarshalJSON writes Elapsed as elapsed_seconds, float seconds.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		Elapsed float64 `json:"elapsed_seconds"`
	}{plain(r), seconds.Of(r.Elapsed)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(data []byte) error {
	type plain Result
	w := struct {
		*plain
		Elapsed float64 `json:"elapsed_seconds"`
	}{plain: (*plain)(r)}
	err := json.Unmarshal(data, &w)
	r.Elapsed = seconds.Duration(w.Elapsed)
	return err
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

// Validate reports the first setting that makes no sense, as a
// *fielderr.Error.
func (c LoadConfig) Validate() error {
	if err := c.checkTarget(); err != nil {
		return err
	}
	switch {
	case c.Interval <= 0:
		return fielderr.New("Interval", c.Interval, "must be positive, such as 1s")
	case c.Interval < MinInterval:
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("is shorter than %v: the client would send as fast as it can; give %v or more", MinInterval, MinInterval))
	case c.Extra < 0:
		return fielderr.New("Extra", c.Extra, "must be 0 or more")
	case c.Duration < 0:
		return fielderr.New("Duration", c.Duration, "is negative; give 0 to run until the context is cancelled")
	case c.Duration > 0 && c.Interval >= c.Duration:
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("is not shorter than Duration %v; shorten Interval or lengthen Duration", c.Duration))
	case c.MaxSockets < 0:
		return fielderr.New("MaxSockets", c.MaxSockets, "is negative; give 0 for no cap")
	case c.DrainTimeout < 0:
		return fielderr.New("DrainTimeout", c.DrainTimeout, "is negative; give 0 to wait for every request in flight")
	case c.StopAfterErrors < 0:
		return fielderr.New("StopAfterErrors", c.StopAfterErrors, "is negative; give 0 to keep going whatever fails")
	}
	return nil
}

// checkTarget checks the URL and that its host is loopback unless
// AllowRemote is set.
func (c LoadConfig) checkTarget() error {
	u, _, err := targetURL(c.Target)
	if err != nil {
		return err
	}
	return loopback.Check("Target", c.Target, u.Hostname(), c.AllowRemote)
}
