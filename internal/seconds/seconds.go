package seconds

import (
	"math"
	"time"
)

// Of is d in seconds.
func Of(d time.Duration) float64 { return d.Seconds() }

// Duration is s seconds as a Duration, to the nearest nanosecond, and
// clamped to the range of a Duration (NaN is 0).
func Duration(s float64) time.Duration {
	ns := math.Round(s * float64(time.Second))
	switch {
	case math.IsNaN(ns):
		return 0
	case ns >= math.MaxInt64:
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(ns)
}
