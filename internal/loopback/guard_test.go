package loopback

import (
	"errors"
	"testing"

	"github.com/leaklab/leaklab/fielderr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIs(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.9.8.7": true, "::1": true, "::ffff:127.0.0.1": true,
		"192.0.2.1": false, "::": false, "0.0.0.0": false, "example.com": false, "localhost.": false, "": false, "LOCALHOST": false,
	} {
		assert.Equal(t, want, Is(host), host)
	}
}

func TestCheck(t *testing.T) {
	assert.NoError(t, Check("Target", "127.0.0.1:80", "127.0.0.1", false))
	assert.NoError(t, Check("Target", "192.0.2.1:80", "192.0.2.1", true))
	err := Check("Target", "192.0.2.1:80", "192.0.2.1", false)
	var fe *fielderr.Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "Target", fe.Field)
	assert.Equal(t, `Target "192.0.2.1:80": `+Refusal, err.Error())
}
