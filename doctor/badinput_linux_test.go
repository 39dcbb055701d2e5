package doctor

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

// Another user's process: the watch says to run as that user or root.
// As root, the test binary runs again as nobody against this process;
// otherwise it checks pid 1, root's.
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() != 0 {
		err := checkReadable(1)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "run as that user or as root")
		return
	}
	dir, err := os.MkdirTemp("", "doctor-nobody-") // t.TempDir's parent is closed to others
	require.NoError(t, err)
	defer os.RemoveAll(dir)
	require.NoError(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "doctor.test")
	data, err := os.ReadFile(os.Args[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), helperEnv+"=check-readable", helperTarget+"="+strconv.Itoa(os.Getpid()))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), fmt.Sprintf("pid %d belongs to uid 0: permission denied", os.Getpid()))
	assert.Contains(t, string(out), "run as that user or as root")
}
