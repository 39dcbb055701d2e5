//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leakyPy is the doctor's test program in Python: processes that are not
// the kit's Go code.
const leakyPy = "../../doctor/testdata/leaky.py"

// pyProc starts leaky.py in a mode and kills it when the test ends.
func pyProc(t *testing.T, args ...string) (pid int, first string) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	cmd := exec.Command("python3", append([]string{leakyPy}, args...)...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		l, _ := r.ReadString('\n')
		lines <- strings.TrimSpace(l)
		r.WriteTo(io.Discard)
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	select {
	case first = <-lines:
	case <-time.After(lineTimeout):
		t.Fatal("leaky.py did not start")
	}
	require.NotEmpty(t, first, "leaky.py exited at once")
	return cmd.Process.Pid, first
}

// answerConns accepts connections on 127.0.0.1 until the test ends,
// answers one byte per connection and closes after the client.
func answerConns(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(lineTimeout))
				b := make([]byte, 1)
				if _, err := c.Read(b); err == nil {
					time.Sleep(50 * time.Millisecond)
					c.Write(b)
					c.Read(b)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// heldPort is the port of a holdListener: connections accepted and held,
// never answered, until the test ends.
func heldPort(t *testing.T) int {
	t.Helper()
	addr, _ := holdListener(t)
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	return n
}

func TestDoctorUsageErrorsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"doctor"}, "-pid 0: and -port 0: nothing to watch"},
		{[]string{"doctor", "-pid", "-3"}, "-pid -3 is out of range"},
		{[]string{"doctor", "-port", "70000"}, "-port 70000 is out of range"},
		{[]string{"doctor", "-pid", "1", "-interval", "1ms"}, "-interval 1ms: is shorter than 10ms"},
		{[]string{"doctor", "-pid", "1", "-duration", "100ms"}, "-duration 100ms: is shorter than -interval 1s"},
		{[]string{"doctor", "-pid", "1", "-format", "xml"}, `unknown -format "xml"`},
		{[]string{"doctor", "-pid", "1", "-pprof", "http://198.18.0.1:6060"}, `-pprof "http://198.18.0.1:6060": host "198.18.0.1" is not a loopback address`},
		{[]string{"doctor", "-pid", "1", "-pprof", "127.0.0.1:6060"}, "is not an http:// URL"},
		{[]string{"doctor", "-pid", "1", "-samples", "-1"}, "-samples -1: is negative"},
		{[]string{"doctor", "-pid", "1", "stray"}, `unexpected argument "stray"`},
	} {
		code, _, stderr := runCLI(t, 10*time.Second, tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	code, _, stderr := runCLI(t, 10*time.Second, "doctor", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "-fail-on-churn")
}

func TestDoctorNoSuchPidExit1(t *testing.T) {
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	code, _, stderr := runCLI(t, 10*time.Second, "doctor", "-pid", strconv.Itoa(cmd.Process.Pid), "-interval", "200ms", "-duration", "1s")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "no process with pid")
}

func TestDoctorPprofUnreachableExit1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	code, _, stderr := runCLI(t, 20*time.Second, "doctor", "-port", "1", "-interval", "200ms", "-duration", "1s", "-pprof", "http://"+addr)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "connection refused")
	assert.Contains(t, stderr, "net/http/pprof")
}

func TestDoctorLeakingExit1CleanExit0(t *testing.T) {
	held := heldPort(t)
	leaker, _ := pyProc(t, "leak", strconv.Itoa(held), "50", "300")
	pool, _ := pyProc(t, "pool", strconv.Itoa(held), "4", "300")
	code, stdout, stderr := runCLI(t, 6*time.Minute, "doctor", "-pid", strconv.Itoa(leaker), "-interval", "200ms", "-samples", "16", "-duration", "5m")
	t.Logf("leaking:\n%s", stdout)
	assert.Equal(t, exitFailure, code, stderr)
	assert.Regexp(t, `LEAKING +client ESTABLISHED → 127\.0\.0\.1:`+strconv.Itoa(held), stdout)
	assert.Contains(t, stdout, "docs/01-new-client-per-request.md")
	assert.Contains(t, stdout, "hint: a Go process can tell more")
	assert.Regexp(t, regexp.MustCompile(`(?m)^ +\d+\.\ds  sample 1 `), stderr, "a status line per sample")

	code, stdout, stderr = runCLI(t, 6*time.Minute, "doctor", "-pid", strconv.Itoa(pool), "-interval", "200ms", "-samples", "11", "-duration", "5m", "-format", "json")
	assert.Equal(t, exitOK, code, stderr)
	var r struct {
		Leaking bool `json:"leaking"`
		Samples int  `json:"samples"`
		Groups  []struct {
			State   string `json:"state"`
			Now     int    `json:"now"`
			Verdict struct {
				Kind string `json:"kind"`
			} `json:"verdict"`
		} `json:"groups"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
	assert.False(t, r.Leaking)
	assert.GreaterOrEqual(t, r.Samples, 6)
	require.NotEmpty(t, r.Groups)
	assert.Equal(t, "steady", r.Groups[0].Verdict.Kind)
	assert.Equal(t, 4, r.Groups[0].Now)
}

func TestDoctorChurnExit0UnlessAsked(t *testing.T) {
	port := answerConns(t)
	churner, _ := pyProc(t, "churn", strconv.Itoa(port), "300")
	args := []string{"doctor", "-pid", strconv.Itoa(churner), "-interval", "200ms", "-samples", "11", "-duration", "5m", "-chart=false"}
	code, stdout, stderr := runCLI(t, 6*time.Minute, args...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "CHURNING")
	code, _, stderr = runCLI(t, 6*time.Minute, append(args, "-fail-on-churn")...)
	assert.Equal(t, exitFailure, code, stderr)
}

// Ctrl-C ends the watch early: the report is printed, the exit code is 130.
func TestDoctorInterruptPrintsReport(t *testing.T) {
	held := heldPort(t)
	leaker, _ := pyProc(t, "leak", strconv.Itoa(held), "50", "300")
	p := startLeaklab(t, nil, "doctor", "-pid", strconv.Itoa(leaker), "-interval", "200ms", "-duration", "5m")
	p.waitLine(t, &p.stderr, regexp.MustCompile(`sample 8 `))
	p.signal(t, syscall.SIGINT)
	assert.Equal(t, 130, p.wait(t))
	assert.Contains(t, p.stdout.String(), "(interrupted)")
	assert.Contains(t, p.stdout.String(), "LEAKING")
}
