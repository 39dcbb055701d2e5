package sockcheck

import (
	"runtime/debug"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPauseGCNestsAcrossParallelChecks(t *testing.T) {
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	var wg sync.WaitGroup
	resumes := make(chan func(), 8)
	for range 8 {
		wg.Go(func() { resumes <- pauseGC() })
	}
	wg.Wait()
	close(resumes)
	for resume := range resumes {
		current := debug.SetGCPercent(-1)
		debug.SetGCPercent(current)
		assert.Equal(t, -1, current, "paused while any check runs")
		resume()
	}
	after := debug.SetGCPercent(-1)
	debug.SetGCPercent(after)
	assert.Equal(t, before, after, "restored once, by the last")
}
