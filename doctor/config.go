package doctor

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/internal/seconds"
	"github.com/leaklab/leaklab/netstat"
)

// Defaults of a watch.
const (
	DefaultInterval     = time.Second
	DefaultDuration     = 30 * time.Second
	DefaultMinSamples   = 6
	DefaultMinGrowth    = 3
	DefaultAlpha        = 0.01
	DefaultChurnRate    = 5.0
	DefaultPprofTimeout = 2 * time.Second
)

// MinInterval is the shortest Interval: a census reads the whole socket
// table of the namespace.
const MinInterval = 10 * time.Millisecond

// Config says what to watch and how. The zero values of the numeric
// fields take the defaults (see WithDefaults). In JSON its durations are
// float seconds under _seconds names.
type Config struct {
	// Pid is the process to watch; 0 with a Port watches every socket of
	// that port.
	Pid int32 `json:"pid,omitempty"`
	// Port, when set, watches both ends of the connections to this port
	// (a server's side: its local port; and the clients that dial it),
	// with their TIME_WAIT sockets. With Pid, only that process's sockets
	// plus the port's sockets that have no owner.
	Port uint16 `json:"port,omitempty"`
	// Interval is the time between two samples (default 1s, at least
	// MinInterval).
	Interval time.Duration `json:"-"`
	// Duration is how long to watch (default 30s); the watch also ends
	// when its context is cancelled, with the report of what was seen.
	Duration time.Duration `json:"-"`
	// Samples, when set, ends the watch after this many samples, even
	// before Duration: a watch of a known number of samples whatever a
	// census costs on a busy machine. 0: watch for Duration.
	Samples int `json:"samples,omitempty"`
	// MinSamples is the fewest samples a verdict needs (default 6, at
	// least 3); with fewer, the report says how long to watch instead.
	MinSamples int `json:"min_samples"`
	// MinGrowth is the fewest sockets a group must gain over the window,
	// by its fitted slope, to be called growing (default 3): one new
	// connection is not a leak.
	MinGrowth float64 `json:"min_growth"`
	// Alpha is the largest Mann–Kendall p-value that counts as a trend
	// (default 0.01: 99% sure).
	Alpha float64 `json:"alpha"`
	// ChurnRate is the rate of new TIME_WAIT sockets per second, to one
	// peer, from which connections count as churning (default 5/s: 300
	// ports held in TIME_WAIT's 60 s).
	ChurnRate float64 `json:"churn_rate"`
	// PprofURL is the net/http/pprof of the watched Go process, e.g.
	// http://127.0.0.1:6060 (the goroutine profile's path is added when
	// missing); empty: no goroutine evidence. Loopback only.
	PprofURL string `json:"pprof_url,omitempty"`
	// PprofTimeout bounds one fetch of the goroutine profile (default 2s).
	PprofTimeout time.Duration `json:"-"`
	// TimeWaitInterval is how often, watching by Pid alone, the
	// namespace's TIME_WAIT sockets are read to find the process's own
	// (default: Interval, but not more often than once a second). With
	// the gopsutil engine that read walks every process's descriptors,
	// the costly part of a sample on a busy machine; in between, the
	// last TIME_WAIT counts are carried over. A TIME_WAIT socket lasts
	// 60 s, so new ones are still all counted.
	TimeWaitInterval time.Duration `json:"-"`
	// Engine reads the socket table (netstat.Engine; default "": auto,
	// netlink on Linux with gopsutil as its fallback, gopsutil elsewhere).
	Engine netstat.Engine `json:"engine,omitempty"`
}

// WithDefaults returns the config with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	set := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	set(&c.Interval, DefaultInterval)
	set(&c.Duration, DefaultDuration)
	set(&c.PprofTimeout, DefaultPprofTimeout)
	set(&c.TimeWaitInterval, max(c.Interval, time.Second))
	if c.MinSamples == 0 {
		c.MinSamples = DefaultMinSamples
	}
	if c.MinGrowth == 0 {
		c.MinGrowth = DefaultMinGrowth
	}
	if c.Alpha == 0 {
		c.Alpha = DefaultAlpha
	}
	if c.ChurnRate == 0 {
		c.ChurnRate = DefaultChurnRate
	}
	return c
}

// Validate checks a config (after WithDefaults) and says which field is
// wrong, with its value and the fix (a *fielderr.Error).
func (c Config) Validate() error {
	switch {
	case c.Pid < 0:
		return fielderr.New("Pid", c.Pid, "is negative; give a process id from ps")
	case c.Pid == 0 && c.Port == 0:
		return fielderr.New("Pid", c.Pid, "and Port 0: nothing to watch; give a process id, a port, or both")
	case c.Interval < MinInterval:
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("is shorter than %v: each sample reads the kernel's socket table; give 1s, or 200ms for a quick look", MinInterval))
	case c.Duration < c.Interval:
		return fielderr.New("Duration", c.Duration, fmt.Sprintf("is shorter than Interval %v; watch for at least %d intervals (%v) to get a verdict", c.Interval, c.MinSamples, time.Duration(c.MinSamples-1)*c.Interval))
	case c.Samples < 0:
		return fielderr.New("Samples", c.Samples, "is negative; give a number of samples, or 0 to watch for Duration")
	case c.MinSamples < 3:
		return fielderr.New("MinSamples", c.MinSamples, "is below 3: a trend needs at least 3 samples; give 3 or more")
	case c.MinGrowth < 0:
		return fielderr.New("MinGrowth", c.MinGrowth, "is negative; give the fewest sockets a growing group gains, e.g. 3")
	case c.Alpha <= 0 || c.Alpha >= 1:
		return fielderr.New("Alpha", c.Alpha, "is not between 0 and 1; give the largest p-value that counts as a trend, e.g. 0.01")
	case c.ChurnRate < 0:
		return fielderr.New("ChurnRate", c.ChurnRate, "is negative; give new TIME_WAIT sockets per second, e.g. 5")
	case c.PprofTimeout < 0:
		return fielderr.New("PprofTimeout", c.PprofTimeout, "is negative; give a timeout such as 2s")
	case c.TimeWaitInterval < c.Interval || c.TimeWaitInterval > 30*time.Second:
		return fielderr.New("TimeWaitInterval", c.TimeWaitInterval, fmt.Sprintf("is not between Interval %v and 30s (a TIME_WAIT socket lasts 60s); give 1s", c.Interval))
	}
	if _, err := netstat.ParseEngine(string(c.Engine)); err != nil {
		return fielderr.New("Engine", string(c.Engine), "is not a census engine; give auto, netlink or gopsutil")
	}
	if c.PprofURL != "" {
		if _, err := goroutineURL(c.PprofURL); err != nil {
			return err
		}
	}
	return nil
}

// goroutineURL checks a pprof URL (http, a loopback host: the kit's
// loopback guard) and returns the URL of its goroutine profile in the
// debug=1 text form.
func goroutineURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", fielderr.New("PprofURL", raw, "is not an http:// URL; give the address net/http/pprof is served on, e.g. http://127.0.0.1:6060")
	}
	if !loopback.Is(u.Hostname()) {
		return "", fielderr.New("PprofURL", raw, fmt.Sprintf("host %q is not a loopback address (127.0.0.0/8, ::1, localhost); the goroutine profile is read on this machine only: forward the port to loopback first", u.Hostname()))
	}
	path := strings.TrimSuffix(u.Path, "/")
	switch {
	case path == "":
		path = "/debug/pprof/goroutine"
	case strings.HasSuffix(path, "/debug/pprof"):
		path += "/goroutine"
	case !strings.HasSuffix(path, "/goroutine"):
		return "", fielderr.New("PprofURL", raw, "does not name net/http/pprof; give its address (http://HOST:PORT), /debug/pprof/ or /debug/pprof/goroutine")
	}
	u.Path = path
	q := u.Query()
	if d := q.Get("debug"); d != "1" && d != "2" {
		q.Set("debug", "1")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// configJSON holds the durations of a Config in JSON.
type configJSON struct {
	Interval         float64 `json:"interval_seconds"`
	Duration         float64 `json:"duration_seconds"`
	PprofTimeout     float64 `json:"pprof_timeout_seconds"`
	TimeWaitInterval float64 `json:"time_wait_interval_seconds"`
}

// MarshalJSON writes the durations as float seconds under _seconds names.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(struct {
		plain
		configJSON
	}{plain(c), configJSON{seconds.Of(c.Interval), seconds.Of(c.Duration), seconds.Of(c.PprofTimeout), seconds.Of(c.TimeWaitInterval)}})
}
