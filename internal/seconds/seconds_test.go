package seconds

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{0, time.Nanosecond, 1500 * time.Millisecond, 20 * time.Second, time.Hour, -time.Second, 123456789} {
		assert.Equal(t, d, Duration(Of(d)), d.String())
	}
	assert.Equal(t, 1.5, Of(1500*time.Millisecond))
}

func TestClamps(t *testing.T) {
	assert.Equal(t, time.Duration(math.MaxInt64), Duration(1e300))
	assert.Equal(t, time.Duration(math.MinInt64), Duration(-1e300))
	assert.Equal(t, time.Duration(0), Duration(math.NaN()))
}
