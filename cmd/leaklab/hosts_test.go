//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity/merge"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startHosts runs hosts.sh with this test binary as leaklab (HOSTS=2, a
// few hundred connections); it skips unless network namespaces can be
// made here (root, iproute2).
func startHosts(t testing.TB, env ...string) *proc {
	t.Helper()
	if testing.Short() {
		t.Skip("makes network namespaces; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("makes network namespaces: needs root")
	}
	for _, tool := range []string{"ip", "ss"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (iproute2)", tool)
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

var serverPerConn = regexp.MustCompile(`server: peak (\d+) established .*: ([0-9.]+) KB per connection`)

// BenchmarkCapacityHosts is make capacity-hosts as a benchmark: HOSTS
// client hosts (default 2) and CONNECTIONS (default 2000) in network
// namespaces, held HOLD (default 1s); it reports the merged rate and
// connect times, and memory per connection of the tester and the server.
//
//	HOSTS=4 CONNECTIONS=100000 HOLD=10s go test -run '^$' -bench CapacityHosts -benchtime 1x -timeout 30m ./cmd/leaklab/
func BenchmarkCapacityHosts(b *testing.B) {
	env := []string{"HOSTS=" + envOr("HOSTS", "2"), "CONNECTIONS=" + envOr("CONNECTIONS", "2000"), "HOLD=" + envOr("HOLD", "1s")}
	for b.Loop() {
		logs := b.TempDir()
		p := startHosts(b, append(env, "LOGS="+logs)...)
		select {
		case <-p.done:
		case <-time.After(20 * time.Minute):
			b.Fatalf("capacity-hosts did not end within 20 minutes:\n%s", p.stdout.String())
		}
		if p.cmd.ProcessState.ExitCode() != 0 {
			b.Fatalf("capacity-hosts exited %d:\n%s\n%s", p.cmd.ProcessState.ExitCode(), p.stdout.String(), p.stderr.String())
		}
		names, err := filepath.Glob(filepath.Join(logs, "segment-*.json"))
		if err != nil || len(names) == 0 {
			b.Fatalf("no segment results in %s: %v", logs, err)
		}
		parts, err := merge.ReadFiles(names, nil)
		if err != nil {
			b.Fatal(err)
		}
		run, err := merge.Merge(parts)
		if err != nil {
			b.Fatal(err)
		}
		tot := run.Total
		b.ReportMetric(float64(tot.Peak), "peak-conns")
		b.ReportMetric(tot.Rate, "conns/s")
		b.ReportMetric(float64(tot.ConnectTime.P50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(tot.ConnectTime.P99.Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(tot.Memory.PerConnBytes), "tester-B/conn")
		if m := serverPerConn.FindStringSubmatch(p.stdout.String()); m != nil {
			kb, _ := strconv.ParseFloat(m[2], 64)
			b.ReportMetric(kb*1024, "server-B/conn")
		}
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
