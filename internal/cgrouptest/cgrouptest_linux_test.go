//go:build linux

package cgrouptest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/internal/cgrouptest"
)

// helperEnv makes the test binary a helper that joins the cgroup of
// cgrouptest.Env and prints its own.
const helperEnv = "LEAKLAB_CGROUPTEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		if err := cgrouptest.JoinFromEnv(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		b, _ := os.ReadFile("/proc/self/cgroup")
		os.Stdout.Write(b)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestJoinFromEnv starts this binary as a helper told a new cgroup: it must
// find itself in it, and the cgroup must be gone after the test.
func TestJoinFromEnv(t *testing.T) {
	var dir string
	t.Run("join", func(t *testing.T) {
		var err error
		if dir, err = cgrouptest.New(t); err != nil {
			t.Skip(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=1", cgrouptest.Env+"="+dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "0::/"+filepath.Base(dir)+"\n")
	})
	if dir != "" {
		_, err := os.Stat(dir)
		assert.True(t, os.IsNotExist(err), "cgroup %s left behind", dir)
	}
}

func TestJoinNowhere(t *testing.T) {
	err := cgrouptest.Join(filepath.Join(t.TempDir(), "none"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "join cgroup"), "%v", err)
}
