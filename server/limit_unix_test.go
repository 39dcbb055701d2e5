//go:build unix

package server_test

import (
	"syscall"
	"testing"

	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultMaxConnsIsUnderTheFileLimit checks the default cap: the
// open-files limit less 128.
func TestDefaultMaxConnsIsUnderTheFileLimit(t *testing.T) {
	var r syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r))
	if r.Cur <= 256 || r.Cur > 1<<31 {
		t.Skipf("open-files limit %d: the default is another rule", r.Cur)
	}
	assert.Equal(t, int(r.Cur)-128, server.DefaultMaxConns())
	assert.Equal(t, server.DefaultMaxConns(), server.DefaultConfig().MaxConns)
}
