package capacity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A long run keeps its whole course in MaxSamples: past it, every other
// sample, then samples half as often.
func TestTimelineThinsEvenlyPastMaxSamples(t *testing.T) {
	var tl timeline
	n := 3 * MaxSamples
	for i := 1; i <= n; i++ {
		tl.add(Sample{At: time.Duration(i) * time.Second})
	}
	got := tl.with(Sample{At: time.Duration(n+1) * time.Second})
	assert.LessOrEqual(t, len(got), MaxSamples+1)
	assert.Greater(t, len(got), MaxSamples/2)
	step := got[1].At - got[0].At
	for i := 1; i < len(got)-1; i++ {
		assert.Equal(t, step, got[i].At-got[i-1].At, "evenly spaced at %d", i)
	}
	assert.Equal(t, time.Duration(n+1)*time.Second, got[len(got)-1].At, "ends with the last sample")
	assert.Greater(t, got[len(got)-2].At, time.Duration(n)*time.Second-2*step, "up to the end of the run")
}
