package experiments

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/internal/seconds"
	"github.com/leaklab/leaklab/netstat"
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

// Config is one comparison run. In JSON its durations are float seconds
// under _seconds names (delay_seconds, interval_seconds, duration_seconds,
// sample_every_seconds, settle_timeout_seconds).
type Config struct {
	// Scenario names the catalogue entry to run.
	Scenario string `json:"scenario"`
	// Delay is how long the servers wait before answering.
	Delay time.Duration `json:"-"`
	// Interval is the period of the load ticks: one request each, plus a
	// random 0..Extra more.
	Interval time.Duration `json:"-"`
	Extra    int           `json:"extra"`
	// Duration is how long the clients send; in-flight requests then
	// finish.
	Duration time.Duration `json:"-"`
	// Seed makes the random extras repeatable.
	Seed uint64 `json:"seed"`
	// MaxSockets stops a client that holds this many sockets.
	MaxSockets int `json:"max_sockets"`
	// SampleEvery is the census period; 0 means Interval, and it is never
	// shorter than MinSampleEvery.
	SampleEvery time.Duration `json:"-"`
	// SettleTimeout bounds the wait for the census to stop changing after
	// the load.
	SettleTimeout time.Duration `json:"-"`
	// Engine is the census engine of the sampler (default "": auto,
	// netlink on Linux with gopsutil as its fallback, gopsutil elsewhere).
	// The servers count their own sockets with gopsutil whatever it is.
	Engine netstat.Engine `json:"engine,omitempty"`
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

// Validate reports the first setting that makes no sense, as a
// *fielderr.Error. Scenario names one scenario: Compare runs one, and
// CompareAll, which sets Scenario itself, runs the whole catalogue.
func (c Config) Validate() error {
	if _, err := netstat.ParseEngine(string(c.Engine)); err != nil {
		return fielderr.New("Engine", string(c.Engine), "is not a census engine; give auto, netlink or gopsutil")
	}
	switch {
	case c.Delay < 0:
		return fielderr.New("Delay", c.Delay, "is negative; give the server's answer time, such as 20s or 200ms")
	case c.Delay > MaxDelay:
		return fielderr.New("Delay", c.Delay, fmt.Sprintf("is longer than %v: the clients wait up to twice the delay for the last answers; give a shorter delay", MaxDelay))
	case c.Interval <= 0:
		return fielderr.New("Interval", c.Interval, "must be positive, such as 1s")
	case c.Interval < clients.MinInterval:
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("is shorter than %v: the clients would send as fast as they can; give %v or more", clients.MinInterval, clients.MinInterval))
	case c.Duration <= 0:
		return fielderr.New("Duration", c.Duration, "must be positive, such as 60s")
	case c.Interval >= c.Duration:
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("is not shorter than Duration %v; the run would send one tick at most", c.Duration))
	case c.Extra < 0:
		return fielderr.New("Extra", c.Extra, "must be 0 or more")
	case c.MaxSockets <= 0:
		return fielderr.New("MaxSockets", c.MaxSockets, "must be positive: it is what stops a leaking run")
	case c.SampleEvery < 0:
		return fielderr.New("SampleEvery", c.SampleEvery, "is negative; give a period such as 100ms, or 0 for Interval")
	case c.SettleTimeout < 0:
		return fielderr.New("SettleTimeout", c.SettleTimeout, "is negative; give a bound such as 5s, or 0 to take the census once")
	}
	return checkScenario(c.Scenario)
}

// checkScenario checks name is a scenario of the catalogue.
func checkScenario(name string) error {
	if name == All {
		return fielderr.New("Scenario", name, "a comparison runs one scenario; CompareAll runs the whole catalogue (or loop over Scenarios())")
	}
	if _, ok := Lookup(name); !ok {
		return fielderr.New("Scenario", name, fmt.Sprintf("unknown scenario; give one of %s", strings.Join(names(), ", ")))
	}
	return nil
}

// names lists the names of the catalogue.
func names() []string {
	var ns []string
	for _, s := range catalogue {
		ns = append(ns, s.Name)
	}
	return ns
}

// configJSON holds the durations of a Config in JSON.
type configJSON struct {
	Delay         float64 `json:"delay_seconds"`
	Interval      float64 `json:"interval_seconds"`
	Duration      float64 `json:"duration_seconds"`
	SampleEvery   float64 `json:"sample_every_seconds"`
	SettleTimeout float64 `json:"settle_timeout_seconds"`
}

// MarshalJSON writes the durations as float seconds.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(struct {
		plain
		configJSON
	}{plain(c), configJSON{
		seconds.Of(c.Delay), seconds.Of(c.Interval), seconds.Of(c.Duration),
		seconds.Of(c.SampleEvery), seconds.Of(c.SettleTimeout),
	}})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	w := struct {
		*plain
		configJSON
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	j := w.configJSON
	c.Delay, c.Interval, c.Duration = seconds.Duration(j.Delay), seconds.Duration(j.Interval), seconds.Duration(j.Duration)
	c.SampleEvery, c.SettleTimeout = seconds.Duration(j.SampleEvery), seconds.Duration(j.SettleTimeout)
	return nil
}

func (c Config) sampleEvery() time.Duration {
	d := c.SampleEvery
	if d == 0 {
		d = c.Interval
	}
	return max(d, MinSampleEvery)
}
