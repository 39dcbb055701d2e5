package capacity

import (
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// FuzzParseRate checks that any -rate value gives an error or a rate that
// paces dials: positive and finite, and, once the config accepts it, a
// positive time between two dials.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1000/s", "50/ms", "3000/m", "10/h", "1000", " 7/s ", "0/s", "-1/s", "NaN", "1e3/s", "0.5/s", "10/fortnight", "/s", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			if !strings.Contains(err.Error(), "rate ") {
				t.Errorf("ParseRate(%q): error %q does not name the rate", s, err)
			}
			return
		}
		if !(r > 0) || math.IsInf(r, 0) {
			t.Fatalf("ParseRate(%q) = %v, nil; want a positive finite rate or an error", s, r)
		}
		c := DefaultConfig()
		c.Rate = r
		if c.Validate() == nil && c.pace() <= 0 {
			t.Fatalf("rate %q (%v/s) passes Validate but dials every %v: a flood instead of a pace", s, r, c.pace())
		}
	})
}

// FuzzParseSources checks that any -source value gives an error or a list
// of valid addresses, without duplicates, within MaxSources, that
// FormatSources writes back to the same list.
func FuzzParseSources(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.0.0.1,127.0.0.2-127.0.0.9", "127.0.0.9-127.0.0.2", "::1", "::1-::5", "::ffff:127.0.0.1-127.0.0.3",
		"127.0.0.1-::1", "10.0.0.0-10.0.255.255", "127.0.0.1,,127.0.0.1", " 127.0.0.2 - 127.0.0.4 ", "fe80::1%eth0", "1-2-3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addrs, err := ParseSources(s)
		if err != nil {
			if !strings.Contains(err.Error(), "source") {
				t.Errorf("ParseSources(%q): error %q does not name the source", s, err)
			}
			return
		}
		checkSources(t, s, addrs)
		again, err := ParseSources(FormatSources(addrs))
		if err != nil || !slices.Equal(again, addrs) {
			t.Fatalf("ParseSources(%q) = %v; written back as %q it reads %v, %v", s, addrs, FormatSources(addrs), again, err)
		}
	})
}

func checkSources(t *testing.T, s string, addrs []netip.Addr) {
	t.Helper()
	if len(addrs) > MaxSources {
		t.Fatalf("ParseSources(%q): %d addresses, more than MaxSources %d", s, len(addrs), MaxSources)
	}
	seen := map[netip.Addr]bool{}
	for _, a := range addrs {
		if !a.IsValid() || a.Is4In6() || seen[a] {
			t.Fatalf("ParseSources(%q) = %v: %v is invalid, IPv4-mapped or repeated", s, addrs, a)
		}
		seen[a] = true
	}
}
