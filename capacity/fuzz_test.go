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

// FuzzParseSegment checks that any -segment value gives an error or a
// segment that writes back to itself and whose shares tile a run: every
// segment of it, given the same total, takes a part that starts where the
// previous one ended, and together they take the whole.
func FuzzParseSegment(f *testing.F) {
	for _, s := range []string{"0/1", "2/4", "3/4", "4/4", "-1/4", "0/0", "1/65536", " 1/3 ", "a/b", "", "1/", "/3"} {
		f.Add(s, 100000)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		seg, err := ParseSegment(s)
		if err != nil {
			if !strings.Contains(err.Error(), "Segment ") {
				t.Errorf("ParseSegment(%q): error %q does not name the segment", s, err)
			}
			return
		}
		if back, err := ParseSegment(seg.String()); err != nil || back != seg {
			t.Fatalf("ParseSegment(%q) = %v, which writes as %q and reads back as %v, %v", s, seg, seg.String(), back, err)
		}
		n = max(n, 0) % (1 << 40)
		lo, hi := seg.Range(n)
		prevLo, prevHi := Segment{Index: max(seg.Index-1, 0), Count: seg.Count}.Range(n)
		switch {
		case lo < 0 || hi > n || lo > hi:
			t.Fatalf("segment %v of %d: range [%d, %d) outside [0, %d)", seg, n, lo, hi, n)
		case seg.Index > 0 && prevHi != lo:
			t.Fatalf("segment %v of %d starts at %d, the one before ends at %d (from %d)", seg, n, lo, prevHi, prevLo)
		case seg.Index == 0 && lo != 0, seg.Index == seg.Count-1 && hi != n:
			t.Fatalf("segment %v of %d: [%d, %d) does not reach the end of the run", seg, n, lo, hi)
		}
	})
}
