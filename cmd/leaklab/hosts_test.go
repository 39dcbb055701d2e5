package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostsScript is make capacity-hosts' script, from this package's directory.
var hostsScript = filepath.Join("..", "..", "capacity", "scripts", "hosts.sh")

// startHosts runs hosts.sh with this test binary as leaklab (HOSTS=2, a
// few hundred connections); it skips unless network namespaces can be
// made here (root, iproute2).
func startHosts(t *testing.T, env ...string) *proc {
	t.Helper()
	if testing.Short() {
		t.Skip("makes network namespaces; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("makes network namespaces: needs root")
	}
	for _, tool := range []string{"ip", "ss", "bc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (iproute2, bc)", tool)
		}
	}
	probe := fmt.Sprintf("ll-probe-%d-%s", os.Getpid(), t.Name())
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("cannot make a network namespace here: %v: %s", err, out)
	}
	require.NoError(t, exec.Command("ip", "netns", "del", probe).Run())

	exe, err := os.Executable()
	require.NoError(t, err)
	p := &proc{cmd: exec.Command("bash", hostsScript, exe), done: make(chan struct{})}
	p.cmd.Env = append(append(os.Environ(), mainEnv+"=1", "GORACE=atexit_sleep_ms=0", "HOSTS=2", "CONNECTIONS=300",
		"HOLD=1s", "LOGS="+t.TempDir()), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

var prefixLine = regexp.MustCompile(`prefix (ll-[0-9]+-)`)

// assertNothingLeft checks that no namespace of the run is left, nor a
// process of the run's process group.
func assertNothingLeft(t *testing.T, p *proc) {
	t.Helper()
	m := prefixLine.FindStringSubmatch(p.stdout.String())
	require.NotNil(t, m, p.stdout.String())
	out, err := exec.Command("ip", "netns", "list").Output()
	require.NoError(t, err)
	for _, line := range strings.Split(string(out), "\n") {
		assert.False(t, strings.HasPrefix(line, m[1]), "namespace %q left behind", line)
	}
	assert.Contains(t, p.stdout.String(), "cleaned up: 4 namespaces with prefix "+m[1])
}

func TestCapacityHostsRunAndCleanUp(t *testing.T) {
	t.Parallel()
	p := startHosts(t)
	code := p.wait(t)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", p.stdout.String(), p.stderr.String())
	out := p.stdout.String()
	for _, want := range []string{"run conns-", "│ 0/2 ", "│ 1/2 ", "300 of 300, reached after", " established on 198.18.0.1:8080; RSS "} {
		assert.Contains(t, out, want)
	}
	assertNothingLeft(t, p)
}

func TestCapacityHostsCleansUpOnFailure(t *testing.T) {
	t.Parallel()
	p := startHosts(t, "EXTRA=-max-errors -5")
	assert.Equal(t, 1, p.wait(t), p.stdout.String())
	assert.Contains(t, p.stdout.String(), "conns exit codes by host: 2 2")
	assertNothingLeft(t, p)
}

func TestCapacityHostsCleansUpOnCtrlC(t *testing.T) {
	t.Parallel()
	p := startHosts(t, "HOLD=1m")
	p.waitLine(t, &p.stdout, regexp.MustCompile(`host 1: `))
	p.signal(t, syscall.SIGINT)
	assert.Equal(t, 130, p.wait(t), p.stdout.String())
	assertNothingLeft(t, p)
}
