package sockcheck

import (
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeM int

func (m fakeM) Run() int { return int(m) }

// runTestMain runs VerifyTestMain with os.Exit and os.Stderr swapped, and
// returns the exit code and what it printed.
func runTestMain(t *testing.T, m TestingM, opts ...Option) (int, string) {
	t.Helper()
	var stderr strings.Builder
	code := -1
	osExit, osStderr = func(c int) { code = c }, &stderr
	defer func() { osExit, osStderr = defaultExit, defaultStderr }()
	VerifyTestMain(m, opts...)
	return code, stderr.String()
}

var defaultExit, defaultStderr = osExit, osStderr

func TestVerifyTestMain(t *testing.T) {
	p, err := loopback.Open(2)
	require.NoError(t, err)
	defer p.Close()
	opts := []Option{RemotePort(p.Port()), Timeout(100 * time.Millisecond)}

	code, out := runTestMain(t, fakeM(0), opts...)
	assert.Equal(t, 1, code, "the tests passed, the sockets are open")
	assert.Contains(t, out, "sockcheck: 2 sockets still open after 100ms: ESTABLISHED=2\n")
	assert.True(t, strings.HasSuffix(out, "\nsockcheck: every test passed, but the package left these sockets open\n"), out)

	baseline := IgnoreCurrent()
	p2, err := loopback.Open(1)
	require.NoError(t, err)
	code, out = runTestMain(t, fakeM(0), baseline, Timeout(100*time.Millisecond))
	p2.Close()
	assert.Equal(t, 1, code, "the whole process left a connection open")
	assert.NotContains(t, out, "note: the selection covers the whole process", "no test runs beside the check any more")

	code, out = runTestMain(t, fakeM(3), opts...)
	assert.Equal(t, 3, code, "a failed run keeps its code")
	assert.Empty(t, out, "and is not checked")

	p.Close()
	code, out = runTestMain(t, fakeM(0), opts[0], AllowClosedServer())
	assert.Equal(t, 0, code, "closed: %s", out)
	assert.Empty(t, out)

	code, out = runTestMain(t, fakeM(0), opts...)
	assert.Equal(t, 1, code, "the port's server is gone: the check sees nothing")
	assert.Contains(t, out, "sockcheck: nothing listens on port")
	assert.True(t, strings.HasSuffix(out, "\nsockcheck: every test passed, but the check after them could see nothing\n"), out)
}
