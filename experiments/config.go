package experiments

import (
	"fmt"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// Defaults of a comparison: the default 20 s server and one request a
// second plus up to two more, for a minute.
const (
	DefaultDelay         = server.DefaultDelay
	DefaultInterval      = clients.DefaultInterval
	DefaultExtra         = clients.DefaultExtra
	DefaultDuration      = time.Minute
	DefaultSeed          = clients.DefaultSeed
	DefaultMaxSockets    = clients.DefaultMaxSockets
	DefaultSettleTimeout = 5 * time.Second
	// MaxDelay is the longest server delay a comparison accepts.
	MaxDelay = time.Hour
	// MinSampleEvery is the shortest census period: a census of a few
	// thousand sockets takes tens of milliseconds.
	MinSampleEvery = 50 * time.Millisecond
)

// Config is one comparison run.
type Config struct {
	// Scenario names the catalogue entry to run.
	Scenario string `json:"scenario"`
	// Delay is how long the servers wait before answering.
	Delay time.Duration `json:"delay"`
	// Interval is the period of the load ticks: one request each, plus a
	// random 0..Extra more.
	Interval time.Duration `json:"interval"`
	Extra    int           `json:"extra"`
	// Duration is how long the clients send; in-flight requests then
	// finish.
	Duration time.Duration `json:"duration"`
	// Seed makes the random extras repeatable.
	Seed uint64 `json:"seed"`
	// MaxSockets stops a client that holds this many sockets.
	MaxSockets int `json:"max_sockets"`
	// SampleEvery is the census period; 0 means Interval, and it is never
	// shorter than MinSampleEvery.
	SampleEvery time.Duration `json:"sample_every"`
	// SettleTimeout bounds the wait for the census to stop changing after
	// the load.
	SettleTimeout time.Duration `json:"settle_timeout"`
	// OnProgress, if set, receives a line about the run now and then.
	OnProgress func(string) `json:"-"`
	// OnSample, if set, receives every round of the census as it is
	// taken, for live views. It runs on the sampler's goroutine: return
	// quickly.
	OnSample func(Live) `json:"-"`
}

// DefaultConfig returns the default comparison: 20 s server, a minute of load.
func DefaultConfig() Config {
	return Config{
		Scenario: NewClientPerRequest, Delay: DefaultDelay, Interval: DefaultInterval,
		Extra: DefaultExtra, Duration: DefaultDuration, Seed: DefaultSeed,
		MaxSockets: DefaultMaxSockets, SettleTimeout: DefaultSettleTimeout,
	}
}

// Validate reports the first setting that makes no sense, naming the flag.
func (c Config) Validate() error {
	switch {
	case c.Delay < 0:
		return fmt.Errorf("-delay %v is negative; give the server's answer time, such as 20s or 200ms", c.Delay)
	case c.Delay > MaxDelay:
		return fmt.Errorf("-delay %v is longer than %v: the clients wait up to twice the delay for the last answers; give a shorter delay", c.Delay, MaxDelay)
	case c.Interval <= 0:
		return fmt.Errorf("-interval %v must be positive, such as 1s", c.Interval)
	case c.Interval < clients.MinInterval:
		return fmt.Errorf("-interval %v is shorter than %v: the clients would send as fast as they can; give %v or more", c.Interval, clients.MinInterval, clients.MinInterval)
	case c.Duration <= 0:
		return fmt.Errorf("-duration %v must be positive, such as 60s", c.Duration)
	case c.Interval >= c.Duration:
		return fmt.Errorf("-interval %v is not shorter than -duration %v; the run would send one tick at most", c.Interval, c.Duration)
	case c.Extra < 0:
		return fmt.Errorf("-extra %d must be 0 or more", c.Extra)
	case c.MaxSockets <= 0:
		return fmt.Errorf("-max-sockets %d must be positive: it is what stops a leaking run", c.MaxSockets)
	case c.SampleEvery < 0 || c.SettleTimeout < 0:
		return fmt.Errorf("sample period %v and settle timeout %v must not be negative", c.SampleEvery, c.SettleTimeout)
	}
	if _, ok := Lookup(c.Scenario); !ok && c.Scenario != All {
		return fmt.Errorf("unknown -scenario %q; leaklab compare -list shows the catalogue", c.Scenario)
	}
	return nil
}

func (c Config) sampleEvery() time.Duration {
	d := c.SampleEvery
	if d == 0 {
		d = c.Interval
	}
	return max(d, MinSampleEvery)
}
