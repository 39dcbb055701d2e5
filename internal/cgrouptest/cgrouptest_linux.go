//go:build linux

package cgrouptest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// New makes a cgroup v2 directory for the test, at the top of the
// hierarchy, and removes it at Cleanup once its processes have left (the
// test should stop them first: start them after calling New, so that
// their Cleanup runs before its; any still there are killed). It first
// removes the empty directories that tests killed before their Cleanup
// left behind.
func New(tb testing.TB) (string, error) {
	tb.Helper()
	root, err := mountPoint()
	if err != nil {
		return "", err
	}
	sweep(root)
	dir, err := os.MkdirTemp(root, prefix)
	if err != nil {
		return "", fmt.Errorf("make a cgroup under %s: %w (run as root)", root, err)
	}
	tb.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := os.Remove(dir)
			if err == nil || errors.Is(err, os.ErrNotExist) {
				return
			}
			if time.Now().After(deadline) {
				tb.Errorf("cgroup %s not removed: %v (a helper process is still in it)", dir, err)
				return
			}
			os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0) // Linux 5.14
			time.Sleep(20 * time.Millisecond)
		}
	})
	return dir, nil
}

const prefix = "leaklab-test-"

// sweep removes the test cgroups under root that no process is in.
func sweep(root string) {
	dirs, _ := filepath.Glob(filepath.Join(root, prefix+"*"))
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, "cgroup.events")); err == nil && strings.Contains(string(b), "populated 0") {
			os.Remove(d)
		}
	}
}

// Join moves the calling process into the cgroup at dir.
func Join(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte("0"), 0); err != nil {
		return fmt.Errorf("join cgroup %s: %w", dir, err)
	}
	return nil
}

// mountPoint finds where cgroup v2 is mounted with its whole hierarchy.
func mountPoint() (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, _ := strings.Cut(sc.Text(), " - ")
		fields, fs := strings.Fields(pre), strings.Fields(post)
		if len(fields) >= 5 && len(fs) > 0 && fs[0] == "cgroup2" && fields[3] == "/" {
			return fields[4], nil
		}
	}
	return "", errors.New("no cgroup v2 hierarchy mounted here")
}
