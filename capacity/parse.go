package capacity

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// MaxSources caps the addresses one source list may expand to.
const MaxSources = 4096

// ParseRate reads a rate such as "1000/s", "50/ms", "3000/m" or "1000"
// (per second) and returns it per second.
func ParseRate(s string) (float64, error) {
	num, unit, found := strings.Cut(strings.TrimSpace(s), "/")
	per := time.Second
	if found {
		d, ok := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
		if !ok {
			return 0, fmt.Errorf("rate %q: unknown unit %q; write it like 1000/s (units ms, s, m, h)", s, unit)
		}
		per = d
	}
	n, err := strconv.ParseFloat(num, 64)
	rate := n / per.Seconds()
	if err != nil || !(n > 0) || math.IsInf(rate, 0) {
		return 0, fmt.Errorf("rate %q: want a positive number of connections per unit, like 1000/s", s)
	}
	return rate, nil
}

// ParseSources reads a comma-separated list of addresses and inclusive
// ranges, e.g. "127.0.0.1,127.0.0.2-127.0.0.9", in order and without
// duplicates. An empty string is an empty list.
func ParseSources(s string) ([]netip.Addr, error) {
	var out []netip.Addr
	seen := map[netip.Addr]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		addrs, err := parseSourceItem(item)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
		if len(out) > MaxSources {
			return nil, fmt.Errorf("sources %q expand to more than %d addresses; give a shorter range", s, MaxSources)
		}
	}
	return out, nil
}

func parseSourceItem(item string) ([]netip.Addr, error) {
	lo, hi, isRange := strings.Cut(item, "-")
	first, err := netip.ParseAddr(strings.TrimSpace(lo))
	if err != nil {
		return nil, fmt.Errorf("source %q: %w; give addresses like 127.0.0.2 or ranges like 127.0.0.2-127.0.0.9", item, err)
	}
	if !isRange {
		return []netip.Addr{first.Unmap()}, nil
	}
	last, err := netip.ParseAddr(strings.TrimSpace(hi))
	if err != nil {
		return nil, fmt.Errorf("source range %q: %w; write it like 127.0.0.2-127.0.0.9", item, err)
	}
	first, last = first.Unmap(), last.Unmap()
	if first.Is4() != last.Is4() || last.Less(first) {
		return nil, fmt.Errorf("source range %q: the end must not be below the start, in the same IP version", item)
	}
	var out []netip.Addr
	for a := first; len(out) <= MaxSources; a = a.Next() {
		out = append(out, a)
		if a == last {
			return out, nil
		}
	}
	return nil, fmt.Errorf("source range %q holds more than %d addresses; give a shorter range", item, MaxSources)
}

// FormatSources writes sources back in the form ParseSources reads,
// joining consecutive addresses into ranges.
func FormatSources(addrs []netip.Addr) string {
	var parts []string
	for i := 0; i < len(addrs); {
		j := i
		for j+1 < len(addrs) && addrs[j].Next() == addrs[j+1] {
			j++
		}
		if j == i {
			parts = append(parts, addrs[i].String())
		} else {
			parts = append(parts, addrs[i].String()+"-"+addrs[j].String())
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func durationOf(ns int64) time.Duration { return time.Duration(ns) }
