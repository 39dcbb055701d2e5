package clients

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func sequence(seed uint64, extra, n int) []int {
	next := newBursts(seed, extra)
	out := make([]int, n)
	for i := range out {
		out[i] = next()
	}
	return out
}

func TestBurstsAreRepeatableAndInRange(t *testing.T) {
	a, b := sequence(1, 2, 200), sequence(1, 2, 200)
	assert.Equal(t, a, b, "same seed, same load")
	assert.NotEqual(t, a, sequence(2, 2, 200), "another seed, another load")
	seen := map[int]int{}
	for _, n := range a {
		seen[n]++
	}
	assert.Len(t, seen, 3, "1, 2 and 3 requests per tick all occur: %v", seen)
	for n := range seen {
		assert.True(t, n >= 1 && n <= 3, "burst %d out of 1..1+extra", n)
	}
	assert.Equal(t, []int{1, 1, 1}, sequence(7, 0, 3), "extra 0: one request per tick")
}
