package capacity

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/leaklab/leaklab/internal/seconds"
)

// The histogram keeps 2^subBits buckets per power of two: values below
// 2^(subBits+1) ns are exact, larger ones fall in buckets 1/32 of their
// octave wide, so a percentile is off by less than 1.6% once it is read
// at the middle of its bucket.
const (
	subBits    = 5
	subCount   = 1 << subBits
	numBuckets = (64-subBits-1)*subCount + 2*subCount
)

// Histogram records durations in fixed memory, safe for concurrent use.
// Its JSON form lists the non-empty buckets, so histograms from several
// processes can be merged.
type Histogram struct {
	buckets [numBuckets]atomic.Uint64
	count   atomic.Uint64
	sum     atomic.Uint64
	min     atomic.Int64 // 0 until the first value
	max     atomic.Int64
}

func bucketOf(v int64) int {
	if v < 2*subCount {
		return int(max(v, 0))
	}
	shift := bits.Len64(uint64(v)) - subBits - 1
	return shift*subCount + int(v>>shift)
}

// bucketMid is the middle of bucket i.
func bucketMid(i int) int64 {
	if i < 2*subCount {
		return int64(i)
	}
	shift := i/subCount - 1
	low := int64(i%subCount+subCount) << shift
	return low + (int64(1)<<shift)/2
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 1)
	h.buckets[bucketOf(v)].Add(1)
	h.count.Add(1)
	h.sum.Add(uint64(v))
	for old := h.min.Load(); (old == 0 || v < old) && !h.min.CompareAndSwap(old, v); old = h.min.Load() {
	}
	for old := h.max.Load(); v > old && !h.max.CompareAndSwap(old, v); old = h.max.Load() {
	}
}

// Count is the number of durations recorded.
func (h *Histogram) Count() uint64 { return h.count.Load() }

// Quantile returns the duration below which a fraction q (0..1) of the
// recorded durations fall, or 0 when none were recorded.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.count.Load()
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	rank = min(max(rank, 1), n)
	var seen uint64
	for i := range h.buckets {
		if seen += h.buckets[i].Load(); seen >= rank {
			v := min(max(bucketMid(i), h.min.Load()), h.max.Load())
			return time.Duration(v)
		}
	}
	return time.Duration(h.max.Load())
}

// Merge adds every duration of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.count.Load() == 0 {
		return
	}
	for i := range o.buckets {
		if n := o.buckets[i].Load(); n > 0 {
			h.buckets[i].Add(n)
		}
	}
	h.count.Add(o.count.Load())
	h.sum.Add(o.sum.Load())
	if m := o.min.Load(); h.min.Load() == 0 || m < h.min.Load() {
		h.min.Store(m)
	}
	h.max.Store(max(h.max.Load(), o.max.Load()))
}

// Latency summarises a histogram.
type Latency struct {
	Count uint64        `json:"count"`
	Min   time.Duration `json:"-"` // min_seconds in JSON, and so on
	Avg   time.Duration `json:"-"`
	P50   time.Duration `json:"-"`
	P99   time.Duration `json:"-"`
	Max   time.Duration `json:"-"`
}

// Summary returns the count, min, average, median, 99th percentile and max.
func (h *Histogram) Summary() Latency {
	n := h.count.Load()
	if n == 0 {
		return Latency{}
	}
	return Latency{
		Count: n,
		Min:   time.Duration(h.min.Load()),
		Avg:   time.Duration(h.sum.Load() / n),
		P50:   h.Quantile(0.50),
		P99:   h.Quantile(0.99),
		Max:   time.Duration(h.max.Load()),
	}
}

// String is "min 41µs avg 95µs p50 80µs p99 610µs max 3.1ms".
func (l Latency) String() string {
	if l.Count == 0 {
		return "none measured"
	}
	r := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return fmt.Sprintf("min %v avg %v p50 %v p99 %v max %v", r(l.Min), r(l.Avg), r(l.P50), r(l.P99), r(l.Max))
}

type histogramJSON struct {
	Buckets [][2]uint64 `json:"buckets"` // [index, count] of non-empty buckets
	Sum     float64     `json:"sum_seconds"`
	Min     float64     `json:"min_seconds"`
	Max     float64     `json:"max_seconds"`
}

// MarshalJSON writes the non-empty buckets.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	j := histogramJSON{
		Sum: seconds.Of(time.Duration(h.sum.Load())), Min: seconds.Of(time.Duration(h.min.Load())), Max: seconds.Of(time.Duration(h.max.Load())),
		Buckets: [][2]uint64{},
	}
	for i := range h.buckets {
		if n := h.buckets[i].Load(); n > 0 {
			j.Buckets = append(j.Buckets, [2]uint64{uint64(i), n})
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var j histogramJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("read connect-time histogram: %w", err)
	}
	for _, bc := range j.Buckets {
		if bc[0] >= numBuckets {
			return fmt.Errorf("read connect-time histogram: bucket %d out of range 0..%d", bc[0], numBuckets-1)
		}
		h.buckets[bc[0]].Add(bc[1])
		h.count.Add(bc[1])
	}
	h.sum.Store(uint64(max(seconds.Duration(j.Sum), 0)))
	h.min.Store(int64(seconds.Duration(j.Min)))
	h.max.Store(int64(seconds.Duration(j.Max)))
	return nil
}
