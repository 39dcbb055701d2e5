package capacity

import (
	"encoding/json"

	"github.com/leaklab/leaklab/internal/seconds"
)

// The JSON of Config, Result and Latency writes durations as float
// seconds under _seconds names (package internal/seconds).

type configSeconds struct {
	Delay       float64 `json:"delay_seconds"`
	Interval    float64 `json:"interval_seconds"`
	Timeout     float64 `json:"timeout_seconds"`
	Hold        float64 `json:"hold_seconds"`
	MaxDuration float64 `json:"max_duration_seconds"`
	Ping        float64 `json:"ping_seconds"`
}

// MarshalJSON writes the durations as float seconds.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(struct {
		plain
		configSeconds
	}{plain(c), configSeconds{
		seconds.Of(c.Delay), seconds.Of(c.Interval), seconds.Of(c.Timeout),
		seconds.Of(c.Hold), seconds.Of(c.MaxDuration), seconds.Of(c.Ping),
	}})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	w := struct {
		*plain
		configSeconds
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	j := w.configSeconds
	c.Delay, c.Interval, c.Timeout = seconds.Duration(j.Delay), seconds.Duration(j.Interval), seconds.Duration(j.Timeout)
	c.Hold, c.MaxDuration, c.Ping = seconds.Duration(j.Hold), seconds.Duration(j.MaxDuration), seconds.Duration(j.Ping)
	return nil
}

type resultSeconds struct {
	ReachedAfter float64 `json:"reached_after_seconds,omitempty"`
	Elapsed      float64 `json:"elapsed_seconds"`
}

// MarshalJSON writes the durations as float seconds.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		resultSeconds
	}{plain(r), resultSeconds{seconds.Of(r.ReachedAfter), seconds.Of(r.Elapsed)}})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(data []byte) error {
	type plain Result
	w := struct {
		*plain
		resultSeconds
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	r.ReachedAfter, r.Elapsed = seconds.Duration(w.resultSeconds.ReachedAfter), seconds.Duration(w.resultSeconds.Elapsed)
	return nil
}

type latencySeconds struct {
	Count uint64  `json:"count"`
	Min   float64 `json:"min_seconds"`
	Avg   float64 `json:"avg_seconds"`
	P50   float64 `json:"p50_seconds"`
	P99   float64 `json:"p99_seconds"`
	Max   float64 `json:"max_seconds"`
}

// MarshalJSON writes the latencies as float seconds.
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(latencySeconds{l.Count, seconds.Of(l.Min), seconds.Of(l.Avg), seconds.Of(l.P50), seconds.Of(l.P99), seconds.Of(l.Max)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (l *Latency) UnmarshalJSON(data []byte) error {
	var j latencySeconds
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*l = Latency{j.Count, seconds.Duration(j.Min), seconds.Duration(j.Avg), seconds.Duration(j.P50), seconds.Duration(j.P99), seconds.Duration(j.Max)}
	return nil
}
