//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/oslimits"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment of a test binary started again as leaklab itself: mainEnv
// makes it run main with its arguments instead of the tests, and
// nofileEnv lowers its open-files limit (soft and hard) first.
const (
	mainEnv   = "LEAKLAB_TEST_MAIN"
	nofileEnv = "LEAKLAB_TEST_NOFILE"
)

func init() {
	if os.Getenv(mainEnv) != "1" {
		return
	}
	if n := os.Getenv(nofileEnv); n != "" {
		limit, err := strconv.ParseUint(n, 10, 64)
		if err == nil {
			err = oslimits.SetOpenFiles(oslimits.Files{Soft: limit, Hard: limit})
		}
		if err != nil {
			os.Stderr.WriteString("leaklab test: cannot lower the open-files limit to " + n + ": " + err.Error() + "\n")
			os.Exit(3)
		}
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Bounds of a subprocess test: how long to wait for a line or an exit.
const (
	lineTimeout = 30 * time.Second
	exitTimeout = 30 * time.Second
)

// syncBuffer is a bytes.Buffer safe for one writer and many readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is leaklab running as a subprocess in its own process group.
type proc struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{}
	err    error // from Wait, once done is closed
}

// startLeaklab starts the test binary as leaklab with args; env adds to
// the environment. The process and its group are killed when the test
// ends, should they still run.
func startLeaklab(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	p := &proc{cmd: exec.Command(exe, args...), done: make(chan struct{})}
	// atexit_sleep_ms: a race-enabled binary otherwise sleeps 1 s at exit.
	p.cmd.Env = append(append(os.Environ(), mainEnv+"=1", "GORACE=atexit_sleep_ms=0"), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) // no-op once it is gone
		<-p.done
	})
	return p
}

// waitLine waits until the stream matches re and returns the submatches;
// it fails if the process exits first or the deadline passes.
func (p *proc) waitLine(t *testing.T, stream *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(lineTimeout)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stream.String()); m != nil {
			return m
		}
		select {
		case <-p.done:
			if m := re.FindStringSubmatch(stream.String()); m != nil {
				return m
			}
			require.FailNow(t, "leaklab exited before printing "+re.String(), "%v\nstdout:\n%s\nstderr:\n%s", p.err, p.stdout.String(), p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	require.FailNow(t, "no "+re.String()+" within "+lineTimeout.String(), "stdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
	return nil
}

// signal sends sig to the process.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
}

// wait waits for the exit and returns the exit code; it fails if the
// process does not exit in time or leaves a process in its group.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(exitTimeout):
		require.FailNow(t, "leaklab did not exit within "+exitTimeout.String(), "stdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
	}
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		require.NoError(t, p.err)
	}
	assert.ErrorIs(t, syscall.Kill(-p.cmd.Process.Pid, 0), syscall.ESRCH, "no process is left in leaklab's process group")
	return p.cmd.ProcessState.ExitCode()
}

// assertNoEstablished polls the census until no socket to or from port is
// ESTABLISHED, and fails after a deadline.
func assertNoEstablished(t *testing.T, port uint16) {
	t.Helper()
	var left int
	ok := assert.Eventually(t, func() bool {
		snap, err := netstat.Take(context.Background(), netstat.Selector{Port: port})
		if err != nil {
			return false
		}
		left = snap.Count("", netstat.Established)
		return left == 0
	}, 10*time.Second, 20*time.Millisecond, "sockets of port %d still ESTABLISHED", port)
	if !ok {
		t.Logf("%d ESTABLISHED sockets of port %d left", left, port)
	}
}
