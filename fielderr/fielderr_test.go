package fielderr_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestError(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fielderr.New("MaxConns", -1, "give 0 or more"), "MaxConns -1: give 0 or more"},
		{fielderr.New("Target", "ftp://x", "give an http:// URL"), `Target "ftp://x": give an http:// URL`},
		{fielderr.New("Delay", -time.Second, "give 0 or more"), "Delay -1s: give 0 or more"},
		{fielderr.New("Target", nil, "give one"), "Target: give one"},
	}
	for _, tc := range cases {
		assert.EqualError(t, tc.err, tc.want)
	}
}

func TestAsThroughWrapping(t *testing.T) {
	err := fmt.Errorf("server: %w", fielderr.New("Addr", "8080", "give host:port"))
	var fe *fielderr.Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "Addr", fe.Field)
	assert.Equal(t, "8080", fe.Value)
	assert.Equal(t, `-addr "8080": give host:port`, fe.Named("-addr"))
}

func TestRename(t *testing.T) {
	fe := &fielderr.Error{Field: "Interval", Value: 2 * time.Second, Fix: "not shorter than Duration 1s; shorten Interval or lengthen Duration, not MaxDuration"}
	names := map[string]string{"Interval": "-interval", "Duration": "-duration"}
	assert.Equal(t, "-interval 2s: not shorter than -duration 1s; shorten -interval or lengthen -duration, not MaxDuration", fe.Rename(names))
	assert.Equal(t, fe.Error(), fe.Rename(nil))
}
