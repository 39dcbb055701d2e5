package oslimits

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOpenFiles(t *testing.T) {
	l, err := OpenFiles()
	if runtime.GOOS == "windows" {
		require.ErrorIs(t, err, ErrNotSupported)
		return
	}
	require.NoError(t, err)
	assert.Positive(t, l.Soft)
	assert.LessOrEqual(t, l.Soft, l.Hard)
	raised, err := RaiseOpenFiles()
	require.NoError(t, err)
	assert.Equal(t, l.Hard, raised.Soft, "raised to the hard limit")
}

func TestEphemeralPorts(t *testing.T) {
	p, err := EphemeralPorts()
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd":
		require.NoError(t, err)
		assert.Positive(t, p.Low)
		assert.LessOrEqual(t, p.Low, p.High)
		assert.LessOrEqual(t, p.High, 65535)
	default:
		require.ErrorIs(t, err, ErrNotSupported)
	}
}

func TestRSS(t *testing.T) {
	assert.Positive(t, RSS())
}

func TestNotSupportedNamesTheOS(t *testing.T) {
	err := notSupported("the open-files limit (RLIMIT_NOFILE)")
	assert.True(t, errors.Is(err, ErrNotSupported))
	assert.True(t, strings.HasSuffix(err.Error(), "not supported on "+runtime.GOOS), err.Error())
}
