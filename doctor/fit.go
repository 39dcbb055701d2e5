package doctor

import (
	"math"
	"slices"
)

// Fit is a robust line through a group's counts over the window.
type Fit struct {
	// Slope is the Theil–Sen slope: sockets gained per second.
	Slope float64 `json:"slope_per_s"`
	// Intercept is the fitted count at the first sample.
	Intercept float64 `json:"intercept"`
	// R2 is how much of the counts' variance the line explains (1: all;
	// 0 or below: none); 1 when the counts never change.
	R2 float64 `json:"r2"`
	// P is the one-sided Mann–Kendall p-value of an upward trend: the
	// chance of a rise this consistent in counts that do not grow.
	P float64 `json:"p"`
	// Samples is the number of samples fitted.
	Samples int `json:"samples"`
}

// maxFitPoints bounds the points a fit uses: Theil–Sen and Mann–Kendall
// compare every pair, so a long watch (an hour at 1 s) is first reduced
// to this many medians of consecutive samples.
const maxFitPoints = 256

// fitLine fits counts taken at times t (seconds). No maintained Go
// library offers Theil–Sen or Mann–Kendall (gonum has neither); both are
// a few lines over the pairs of samples.
func fitLine(t []float64, y []float64) Fit {
	t, y = reduce(t, y, maxFitPoints)
	f := Fit{Samples: len(y), P: 1, R2: 1}
	if len(y) < 2 {
		return f
	}
	f.Slope = theilSen(t, y)
	f.Intercept = median(residualsAt(t, y, f.Slope, 0)) // median of y - slope·t
	f.R2 = rSquared(t, y, f.Slope, f.Intercept)
	f.P = mannKendallP(y)
	f.Intercept += f.Slope * t[0]
	return f
}

// theilSen is the median of the slopes between every pair of samples.
func theilSen(t, y []float64) float64 {
	slopes := make([]float64, 0, len(y)*(len(y)-1)/2)
	for i := range y {
		for j := i + 1; j < len(y); j++ {
			if dt := t[j] - t[i]; dt > 0 {
				slopes = append(slopes, (y[j]-y[i])/dt)
			}
		}
	}
	return median(slopes)
}

func residualsAt(t, y []float64, slope, intercept float64) []float64 {
	out := make([]float64, len(y))
	for i := range y {
		out[i] = y[i] - slope*t[i] - intercept
	}
	return out
}

func rSquared(t, y []float64, slope, intercept float64) float64 {
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var ssRes, ssTot float64
	for i, r := range residualsAt(t, y, slope, intercept) {
		ssRes += r * r
		ssTot += (y[i] - mean) * (y[i] - mean)
	}
	if ssTot == 0 {
		return 1
	}
	return 1 - ssRes/ssTot
}

// mannKendallP is the one-sided p-value of the Mann–Kendall test for an
// upward trend, with the variance corrected for ties and the normal
// approximation with continuity correction.
func mannKendallP(y []float64) float64 {
	n := len(y)
	s := 0
	for i := range y {
		for j := i + 1; j < n; j++ {
			switch {
			case y[j] > y[i]:
				s++
			case y[j] < y[i]:
				s--
			}
		}
	}
	if s <= 0 {
		return 1
	}
	v := float64(n*(n-1)*(2*n+5)) - tieTerm(y)
	if v <= 0 {
		return 1
	}
	z := (float64(s) - 1) / math.Sqrt(v/18)
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// tieTerm is Σ t(t-1)(2t+5) over the groups of equal values.
func tieTerm(y []float64) float64 {
	counts := map[float64]int{}
	for _, v := range y {
		counts[v]++
	}
	sum := 0.0
	for _, t := range counts {
		sum += float64(t * (t - 1) * (2*t + 5))
	}
	return sum
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// reduce replaces runs of consecutive points by their medians so that at
// most max points remain.
func reduce(t, y []float64, max int) ([]float64, []float64) {
	if len(y) <= max {
		return t, y
	}
	rt, ry := make([]float64, 0, max), make([]float64, 0, max)
	for b := 0; b < max; b++ {
		lo, hi := b*len(y)/max, (b+1)*len(y)/max
		rt = append(rt, median(t[lo:hi]))
		ry = append(ry, median(y[lo:hi]))
	}
	return rt, ry
}
