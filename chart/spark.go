package chart

import "strings"

var bars = []rune("▁▂▃▄▅▆▇█")

// Spark draws values as a sparkline of block characters, one per value,
// scaled so that top is a full block; a zero is a space. Give several
// sparklines the same top to compare them.
func Spark(values []float64, top float64) string {
	var b strings.Builder
	for _, v := range values {
		switch {
		case v <= 0 || top <= 0:
			b.WriteRune(' ')
		case v >= top:
			b.WriteRune(bars[len(bars)-1])
		default:
			b.WriteRune(bars[int(v/top*float64(len(bars)-1)+0.5)])
		}
	}
	return b.String()
}

// Tail returns the last n values, or all of them when there are fewer.
func Tail(values []float64, n int) []float64 {
	if len(values) > n {
		return values[len(values)-n:]
	}
	return values
}
