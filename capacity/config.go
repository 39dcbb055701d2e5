package capacity

import (
	"fmt"
	"net/netip"
	"time"
)

// Mode says what each connection does once it is open.
type Mode string

const (
	// ModeTCP holds plain TCP connections that read until the peer closes;
	// it works against any TCP server.
	ModeTCP Mode = "tcp"
	// ModeHTTP sends one keep-alive HTTP/1.1 GET on each connection, then
	// holds it open as an idle keep-alive connection.
	ModeHTTP Mode = "http"
)

// Defaults of a run; DefaultConfig returns them.
const (
	DefaultTarget          = "127.0.0.1:8080"
	DefaultMode            = ModeTCP
	DefaultConnections     = 100
	DefaultDelay           = 10 * time.Millisecond
	DefaultDialConcurrency = 64
	DefaultInterval        = time.Second
	DefaultTimeout         = 5 * time.Second
	DefaultMaxDuration     = 10 * time.Minute
	DefaultPath            = "/ping"
	DefaultFailAfter       = 10
)

// Bounds of Config.Rate: the time between two dials must be a positive
// time.Duration.
const (
	MaxRate = 1e9               // a dial every nanosecond
	MinRate = 1.0 / (24 * 3600) // a dial a day
)

// Config is one run of the tester. DefaultConfig returns the defaults; the
// zero value of a field means what its comment says.
type Config struct {
	// Target is the host:port to connect to. The host is an IP address or
	// "localhost".
	Target string `json:"target"`
	// Mode is what each connection does: ModeTCP (hold a plain TCP
	// connection) or ModeHTTP (send a keep-alive GET, then hold).
	Mode Mode `json:"mode"`
	// Connections is the number of connections to open and keep. In auto
	// mode it is a cap instead; 0 there means up to the open-files limit.
	Connections int `json:"connections"`
	// Delay is the pause between the starts of two dials; 0 dials as fast
	// as DialConcurrency allows. Rate, when set, replaces it.
	Delay time.Duration `json:"-"` // delay_seconds in JSON
	// Rate, when above 0, starts this many dials per second instead of
	// waiting Delay between them.
	Rate float64 `json:"rate"`
	// DialConcurrency bounds the dials in flight at once; it keeps a fast
	// run from overflowing the server's listen backlog.
	DialConcurrency int `json:"dial_concurrency"`
	// Interval is the period of OnInterval.
	Interval time.Duration `json:"-"` // interval_seconds in JSON
	// Timeout bounds each dial (checked every Timeout/8), and the wait for
	// each pong when Ping is set.
	Timeout time.Duration `json:"-"` // timeout_seconds in JSON
	// Hold is how long the connections stay open once every connection
	// has had its first try; 0 closes them at once. Auto mode ignores it.
	Hold time.Duration `json:"-"` // hold_seconds in JSON
	// MaxDuration bounds the whole run; 0 means no bound beyond the ramp
	// and Hold (an auto run then stops at its cap or first failures).
	MaxDuration time.Duration `json:"-"` // max_duration_seconds in JSON
	// Ping, when above 0, makes each open connection send a ping every
	// Ping and expect an answer within Timeout; a connection that gets
	// none is closed and counted as an error. In ModeHTTP the ping is a
	// GET of Path on the same connection. In ModeTCP it is the same
	// HTTP/1.1 request, which is also one line of text: an HTTP server
	// (leaklab server) answers it and an echo server sends it back; any
	// bytes back count as the pong.
	Ping time.Duration `json:"-"` // ping_seconds in JSON
	// Path is the request path of ModeHTTP and of the pings, e.g. "/ping",
	// or "/?delay=5m" to hold a request in flight on the leaklab server (its -max-delay is 5m).
	Path string `json:"path"`
	// Reopen redials every connection that closes or fails, until the end
	// of Hold, so Connections stay open.
	Reopen bool `json:"reopen"`
	// Auto keeps opening connections at the rate until FailAfter failures
	// in a row bring no new peak, the cap, or MaxDuration; the result
	// says the highest concurrency reached and why it stopped.
	Auto bool `json:"auto"`
	// FailAfter is the number of failures without a new peak of
	// established connections that stops an auto run.
	FailAfter int `json:"fail_after"`
	// Sources are the local addresses to dial from, used in turn; empty
	// lets the kernel choose. One source reaches one target through at
	// most the ephemeral port range.
	Sources []netip.Addr `json:"sources,omitempty"`
	// AllowRemote allows a Target outside loopback (127.0.0.0/8, ::1).
	AllowRemote bool `json:"allow_remote"`
	// Reset closes the connections at the end with a RST (SO_LINGER 0)
	// instead of a FIN, so none of them waits in TIME_WAIT afterwards and
	// the next run finds its ephemeral ports free.
	Reset bool `json:"reset"`
	// OnInterval, if set, is called every Interval with the counts.
	OnInterval func(Counts) `json:"-"`
}

// DefaultConfig returns 100 plain TCP connections to 127.0.0.1:8080, one
// every 10 ms, reported every second, each dial bounded by 5 s, closed as
// soon as all were tried, the run bounded by 10 minutes.
func DefaultConfig() Config {
	return Config{
		Target:          DefaultTarget,
		Mode:            DefaultMode,
		Connections:     DefaultConnections,
		Delay:           DefaultDelay,
		DialConcurrency: DefaultDialConcurrency,
		Interval:        DefaultInterval,
		Timeout:         DefaultTimeout,
		MaxDuration:     DefaultMaxDuration,
		Path:            DefaultPath,
		FailAfter:       DefaultFailAfter,
	}
}

// pace is the time between the starts of two dials.
func (c Config) pace() time.Duration {
	if c.Rate > 0 {
		return time.Duration(float64(time.Second) / c.Rate)
	}
	return c.Delay
}

// describe names the run for reports: "tcp to 127.0.0.1:8080".
func (c Config) describe() string {
	s := fmt.Sprintf("%s to %s", c.Mode, c.Target)
	if len(c.Sources) > 0 {
		s += fmt.Sprintf(" from %d source addresses", len(c.Sources))
	}
	return s
}
