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
)

// Validate checks the configuration without touching the network; it
// reads the clock to check StartAt. Each error names the field, its value
// and what to give instead.
func (c Config) Validate() error {
	target, err := ResolveTarget(c.Target)
	if err != nil {
		return err
	}
	if !target.Addr().IsLoopback() && !c.AllowRemote {
		return fmt.Errorf("target %s is not a loopback address; capacity runs stay on 127.0.0.0/8 and ::1 unless remote targets are allowed (-allow-remote), and only against servers you own", c.Target)
	}
	checkRun := func() error { return c.checkRun(time.Now()) }
	for _, check := range []func() error{c.checkCounts, c.checkDurations, c.checkModes, c.checkPath, c.checkSegment, checkRun} {
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
		return netip.AddrPort{}, fmt.Errorf("target %q: %w; give host:port, e.g. 127.0.0.1:8080", target, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("target host %q is not an IP address: %w; give an address such as 127.0.0.1 or ::1", host, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return netip.AddrPort{}, fmt.Errorf("target port %q: want a TCP port between 1 and 65535", port)
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(p)), nil
}

func (c Config) checkCounts() error {
	switch {
	case c.Connections < 0 || c.Connections == 0 && !c.Auto:
		return fmt.Errorf("connections %d: want at least 1 (0 is allowed only in auto mode, meaning up to the open-files limit)", c.Connections)
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return fmt.Errorf("rate %v: want a positive number of connections per second such as 1000/s, or 0 to use the delay", c.Rate)
	case c.Rate > 0 && (c.Rate > MaxRate || c.Rate < MinRate):
		return fmt.Errorf("rate %v/s: want between one a day and %.0f/s; for dials as fast as they go, give delay 0 instead", c.Rate, MaxRate)
	case c.DialConcurrency < 1:
		return fmt.Errorf("dial concurrency %d: want at least 1 dial in flight", c.DialConcurrency)
	case c.Auto && c.FailAfter < 1:
		return fmt.Errorf("fail-after %d: want at least 1 failure before an auto run stops", c.FailAfter)
	}
	return nil
}

func (c Config) checkDurations() error {
	for _, d := range []struct {
		name     string
		value    int64
		positive bool
	}{{"delay", int64(c.Delay), false}, {"interval", int64(c.Interval), true}, {"timeout", int64(c.Timeout), true},
		{"hold", int64(c.Hold), false}, {"max-duration", int64(c.MaxDuration), false}, {"ping", int64(c.Ping), false}} {
		if d.value < 0 || d.positive && d.value == 0 {
			want := "a positive duration such as 1s"
			if !d.positive {
				want = "0 or a positive duration such as 1s"
			}
			return fmt.Errorf("%s %v: want %s", d.name, durationOf(d.value), want)
		}
	}
	if c.MaxDuration > 0 && !c.Auto && c.Hold >= c.MaxDuration {
		return fmt.Errorf("hold %v is not shorter than max-duration %v: the run would end before the hold; raise max-duration", c.Hold, c.MaxDuration)
	}
	if ramp := float64(c.Connections) * float64(c.pace()); c.MaxDuration > 0 && !c.Auto && ramp > float64(c.MaxDuration) {
		return fmt.Errorf("opening %d connections at one every %v takes %v, more than max-duration %v; raise the rate or max-duration",
			c.Connections, c.pace(), time.Duration(min(ramp, math.MaxInt64)), c.MaxDuration)
	}
	return nil
}

func (c Config) checkModes() error {
	if c.Mode != ModeTCP && c.Mode != ModeHTTP {
		return fmt.Errorf("mode %q: want %q or %q", c.Mode, ModeTCP, ModeHTTP)
	}
	if c.Auto && c.Reopen {
		return errors.New("auto and reopen do not combine: auto counts a closed connection as a failure, reopen replaces it; pick one")
	}
	return nil
}

func (c Config) checkPath() error {
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " \r\n\t") {
		return fmt.Errorf("path %q: want a request path starting with / and without spaces, e.g. /ping", c.Path)
	}
	return nil
}

func (c Config) checkSources(target netip.Addr) error {
	for _, s := range c.Sources {
		if s.Is4() != target.Is4() {
			return fmt.Errorf("source %s and target %s are not the same IP version; give %s sources", s, target, family(target))
		}
		if !s.IsLoopback() && !c.AllowRemote {
			return fmt.Errorf("source %s is not a loopback address; against a loopback target use 127.0.0.0/8 sources such as 127.0.0.2", s)
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
