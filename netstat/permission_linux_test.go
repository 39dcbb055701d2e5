//go:build linux

package netstat_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnotherUsersProcess runs this test binary again as nobody, to take
// the census of this (root's) process: both engines must say permission
// denied and how to get past it. The default engine must not take the
// unreadable descriptors for a kernel that refuses netlink (and count
// with gopsutil from then on), and gopsutil must not report no sockets.
func TestAnotherUsersProcess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run a helper as another user")
	}
	dir, err := os.MkdirTemp("", "netstat-nobody-") // t.TempDir's parent is closed to others
	require.NoError(t, err)
	defer os.RemoveAll(dir)
	require.NoError(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "netstat.test")
	data, err := os.ReadFile(os.Args[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	cmd := exec.Command(bin, "-test.run=^$", strconv.Itoa(os.Getpid()))
	cmd.Env = append(os.Environ(), childEnv+"=census")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, e := range []string{"auto", "gopsutil"} {
		assert.Regexp(t, fmt.Sprintf(`(?m)^%s: 0 sockets, error: read TCP sockets of pid %d: permission denied: .*; run as the process's user or as root$`, e, os.Getpid()), string(out))
	}
	assert.NotContains(t, string(out), "refused a netlink", "an unreadable process is not a refusal of netlink")
}
