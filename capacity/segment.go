package capacity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/leaklab/leaklab/fielderr"
)

// MaxSegments caps Segment.Count.
const MaxSegments = 65536

// MaxStartAhead is how far ahead Config.StartAt may be: a start further
// away is more likely a wrong day or time zone than a plan.
const MaxStartAhead = time.Hour

// Segment is one share of a run spread over several independent
// processes or hosts, after k6's execution segments: segment Index of
// Count (counted from 0, as Kubernetes' JOB_COMPLETION_INDEX is). Every
// segment is given the whole run's Config and works out its own share
// from Index and Count alone, so the segments need no coordinator. The
// zero value is the whole run.
type Segment struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseSegment reads "i/N", e.g. "2/4": the third of four segments.
func ParseSegment(s string) (Segment, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Segment{}, fielderr.New("Segment", s, "want i/N, segment i of N counted from 0, e.g. 0/4 to 3/4")
	}
	seg := Segment{Index: index, Count: count}
	if count == 0 { // the zero value means the whole run; written out, it is a mistake
		return Segment{}, fielderr.New("Segment", s, fmt.Sprintf("want between 1 and %d segments", MaxSegments))
	}
	return seg, seg.check()
}

// String is "2/4"; the whole run is "0/1".
func (s Segment) String() string {
	s = s.norm()
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Set parses "i/N" into s, so a Segment is a flag.Value; its error is
// the fix alone, since the flag package names the flag and the value.
func (s *Segment) Set(v string) error {
	seg, err := ParseSegment(v)
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return errors.New(fe.Fix)
	}
	if err != nil {
		return err
	}
	*s = seg
	return nil
}

// Whole says whether s is the whole run (0/1 or the zero value).
func (s Segment) Whole() bool { return s.norm().Count == 1 }

func (s Segment) norm() Segment {
	if s.Count == 0 && s.Index == 0 {
		return Segment{Count: 1}
	}
	return s
}

func (s Segment) check() error {
	s = s.norm()
	value := s.String()
	switch {
	case s.Count < 1 || s.Count > MaxSegments:
		return fielderr.New("Segment", value, fmt.Sprintf("want between 1 and %d segments", MaxSegments))
	case s.Index < 0 || s.Index >= s.Count:
		return fielderr.New("Segment", value, fmt.Sprintf("the index counts from 0 to %d", s.Count-1))
	}
	return nil
}

// Range is the part [lo, hi) of n things that the segment takes, as
// k6's ExecutionSegment.Scale computes it: lo = round(n·i/N) and hi =
// round(n·(i+1)/N), halves rounded up. Consecutive segments tile 0..n
// exactly, and the remainder of n/N goes one by one to segments spread
// over the run (10 over 3 segments: 3, 4, 3), not all to the first.
func (s Segment) Range(n int) (lo, hi int) {
	s = s.norm()
	return roundShare(n, s.Index, s.Count), roundShare(n, s.Index+1, s.Count)
}

// Share is the number of the n things the segment takes: hi - lo of Range.
func (s Segment) Share(n int) int {
	lo, hi := s.Range(n)
	return hi - lo
}

// roundShare is round(n·k/count) with halves rounded up, without
// overflow: n = q·count + r, so n·k/count = q·k + r·k/count, where
// r·k < count² fits.
func roundShare(n, k, count int) int {
	q, r := n/count, n%count
	return q*k + (2*r*k+count)/(2*count)
}

// Share returns the Config of this segment alone: its share of
// Connections (the auto cap included), of Sources (a contiguous part of
// the list, so every host dials from addresses of its own) and of the
// pace: Rate scaled by the share of the connections, so every segment
// ends its ramp at the same moment as the others. The result is a whole
// run (Segment zero); Config.Segment labels its results. The whole run
// is returned as it is.
func (c Config) Share() Config {
	seg := c.Segment.norm()
	c.Segment = Segment{}
	if seg.Count == 1 {
		return c
	}
	total := c.Connections
	c.Connections = seg.Share(total)
	switch {
	case total == 0: // an auto run without a cap: the rate is shared evenly
		c.Rate /= float64(seg.Count)
		c.Delay = durationUpTo(float64(c.Delay) * float64(seg.Count))
	case c.Connections > 0:
		c.Rate *= float64(c.Connections) / float64(total)
		c.Delay = durationUpTo(float64(c.Delay) * (float64(total) / float64(c.Connections)))
	}
	if len(c.Sources) > 0 {
		lo, hi := seg.Range(len(c.Sources))
		c.Sources = append([]netip.Addr(nil), c.Sources[lo:hi]...)
	}
	return c
}

func (c Config) checkSegment() error {
	if err := c.Segment.check(); err != nil {
		return err
	}
	if c.Segment.Whole() {
		return nil
	}
	seg := c.Segment.norm()
	if c.Connections > 0 && seg.Share(c.Connections) == 0 {
		return fielderr.New("Segment", seg.String(), fmt.Sprintf("takes none of the %d Connections; give at least %d, one per segment", c.Connections, seg.Count))
	}
	if n := len(c.Sources); n > 0 && seg.Share(n) == 0 {
		return fielderr.New("Segment", seg.String(), fmt.Sprintf("takes none of the %d Sources; give at least %d, one per segment, so every segment dials from addresses of its own", n, seg.Count))
	}
	return nil
}

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (c Config) checkRun(now time.Time) error {
	if c.RunID != "" && !runIDPattern.MatchString(c.RunID) {
		return fielderr.New("RunID", c.RunID, "want 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return checkStartAt(c.StartAt, now)
}

func checkStartAt(at, now time.Time) error {
	if at.IsZero() {
		return nil
	}
	example := now.Add(30 * time.Second).UTC().Truncate(time.Second).Format(time.RFC3339)
	switch {
	case at.Before(now):
		return fielderr.New("StartAt", at.Format(time.RFC3339Nano), fmt.Sprintf("is %v in the past: every segment starts its ramp at that moment, so give a time ahead of the start of all of them, e.g. %s",
			now.Sub(at).Round(time.Millisecond), example))
	case at.After(now.Add(MaxStartAhead)):
		return fielderr.New("StartAt", at.Format(time.RFC3339Nano), fmt.Sprintf("is %v ahead, more than %v: check the day and the time zone (RFC 3339, e.g. %s)",
			at.Sub(now).Round(time.Second), MaxStartAhead, example))
	}
	return nil
}

// ID is the run's identifier: RunID, or when that is empty one derived
// from Target, Connections, the number of segments and StartAt, so that
// every segment of one run started with the same flags gets the same id
// without being told, and runs with another start time get another.
// Runs without StartAt and RunID that share the rest share the id.
func (c Config) ID() string {
	if c.RunID != "" {
		return c.RunID
	}
	start := ""
	if !c.StartAt.IsZero() {
		start = c.StartAt.UTC().Format(time.RFC3339Nano)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%s", c.Target, c.Connections, c.Segment.norm().Count, start))
	return "conns-" + hex.EncodeToString(sum[:6])
}
