//go:build unix

package main

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/server"
)

// TestMaxHeaderBytesHelpSaysTheCutOff checks that the help of
// -max-header-bytes says where 431 starts: net/http's slack past the
// flag's value. server's TestHeaderCutoff checks the slack against
// net/http itself.
func TestMaxHeaderBytesHelpSaysTheCutOff(t *testing.T) {
	code, _, help := runCLI(t, 5*time.Second, "server", "-h")
	require.Equal(t, exitOK, code)
	m := regexp.MustCompile(`net/http reads (\d+) bytes more, so a request line and headers longer than this plus (\d+) bytes get 431`).FindStringSubmatch(help)
	require.NotNil(t, m, "the help of -max-header-bytes says where 431 starts:\n%s", help)
	slack := strconv.Itoa(server.HeaderSlack)
	assert.Equal(t, slack, m[1], "the slack net/http reads past -max-header-bytes")
	assert.Equal(t, slack, m[2], "the slack past which a head gets 431")
}
