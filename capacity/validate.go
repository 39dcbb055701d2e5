package capacity

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/internal/loopback"
)

// Validate checks the configuration without touching the network. Each
// error is a *fielderr.Error: the field, its value and what to give
// instead.
func (c Config) Validate() error {
	target, err := ResolveTarget(c.Target)
	if err != nil {
		return err
	}
	if err := loopback.Check("Target", c.Target, target.Addr().String(), c.AllowRemote); err != nil {
		return err
	}
	for _, check := range []func() error{c.checkCounts, c.checkDurations, c.checkModes, c.checkPath} {
		if err := check(); err != nil {
			return err
		}
	}
	return c.checkSources(target.Addr())
}

// ResolveTarget parses "host:port", where host is an IP address or
// "localhost" (127.0.0.1). It never asks a resolver.
func ResolveTarget(target string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return netip.AddrPort{}, fielderr.New("Target", target, fmt.Sprintf("%v; give host:port, e.g. 127.0.0.1:8080", errors.Unwrap(err)))
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, fielderr.New("Target", target, fmt.Sprintf("host %q is not an IP address; give an address such as 127.0.0.1 or ::1 (names are not resolved)", host))
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return netip.AddrPort{}, fielderr.New("Target", target, fmt.Sprintf("port %q: want a TCP port between 1 and 65535", port))
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(p)), nil
}

func (c Config) checkCounts() error {
	switch {
	case c.Connections < 0 || c.Connections == 0 && !c.Auto:
		return fielderr.New("Connections", c.Connections, "want at least 1 (0 is allowed only with Auto, meaning up to the open-files limit)")
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return fielderr.New("Rate", c.Rate, "want a positive number of connections per second such as 1000/s, or 0 to use Delay")
	case c.Rate > 0 && (c.Rate > MaxRate || c.Rate < MinRate):
		return fielderr.New("Rate", fmt.Sprintf("%v/s", c.Rate), fmt.Sprintf("want between one a day and %.0f/s; for dials as fast as they go, give Delay 0 instead", MaxRate))
	case c.DialConcurrency < 1:
		return fielderr.New("DialConcurrency", c.DialConcurrency, "want at least 1 dial in flight")
	case c.Auto && c.FailAfter < 1:
		return fielderr.New("FailAfter", c.FailAfter, "want at least 1 failure before an auto run stops")
	}
	return nil
}

func (c Config) checkDurations() error {
	for _, d := range []struct {
		name     string
		value    int64
		positive bool
	}{{"Delay", int64(c.Delay), false}, {"Interval", int64(c.Interval), true}, {"Timeout", int64(c.Timeout), true},
		{"Hold", int64(c.Hold), false}, {"MaxDuration", int64(c.MaxDuration), false}, {"Ping", int64(c.Ping), false}} {
		if d.value < 0 || d.positive && d.value == 0 {
			want := "a positive duration such as 1s"
			if !d.positive {
				want = "0 or a positive duration such as 1s"
			}
			return fielderr.New(d.name, durationOf(d.value), "want "+want)
		}
	}
	if c.MaxDuration > 0 && !c.Auto && c.Hold >= c.MaxDuration {
		return fielderr.New("Hold", c.Hold, fmt.Sprintf("is not shorter than MaxDuration %v: the run would end before the hold; raise MaxDuration", c.MaxDuration))
	}
	if ramp := float64(c.Connections) * float64(c.pace()); c.MaxDuration > 0 && !c.Auto && ramp > float64(c.MaxDuration) {
		return fielderr.New("Connections", c.Connections, fmt.Sprintf("opening them at one every %v takes %v, more than MaxDuration %v; raise Rate or MaxDuration",
			c.pace(), durationUpTo(ramp), c.MaxDuration))
	}
	return nil
}

func (c Config) checkModes() error {
	if c.Mode != ModeTCP && c.Mode != ModeHTTP {
		return fielderr.New("Mode", string(c.Mode), fmt.Sprintf("want %q or %q", ModeTCP, ModeHTTP))
	}
	if c.Auto && c.Reopen {
		return fielderr.New("Reopen", true, "Auto and Reopen do not combine: Auto counts a closed connection as a failure, Reopen replaces it; pick one")
	}
	return nil
}

func (c Config) checkPath() error {
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " \r\n\t") {
		return fielderr.New("Path", c.Path, "want a request path starting with / and without spaces, e.g. /ping")
	}
	return nil
}

func (c Config) checkSources(target netip.Addr) error {
	for _, s := range c.Sources {
		if s.Is4() != target.Is4() {
			return fielderr.New("Sources", s.String(), fmt.Sprintf("source and Target %s are not the same IP version; give %s sources", target, family(target)))
		}
		if !s.IsLoopback() && !c.AllowRemote {
			return fielderr.New("Sources", s.String(), "source is not a loopback address; against a loopback Target use 127.0.0.0/8 sources such as 127.0.0.2")
		}
	}
	return nil
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// durationUpTo is ns as a Duration, or the longest Duration past it.
// (float64(math.MaxInt64) rounds up to 2^63, which would wrap negative.)
func durationUpTo(ns float64) time.Duration {
	if ns >= float64(math.MaxInt64) {
		return math.MaxInt64
	}
	return time.Duration(ns)
}
