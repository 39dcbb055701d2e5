package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/experiments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runCLI runs the command line as main does, with a deadline.
func runCLI(t *testing.T, timeout time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out, errOut bytes.Buffer
	code = runContext(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage: leaklab <command>"},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"census"}, "nothing selected"},
		{[]string{"census", "-port", "70000"}, "-port 70000 is out of range"},
		{[]string{"census", "-port", "80", "-format", "xml"}, `unknown -format "xml"`},
		{[]string{"census", "-port", "80", "-watch", "-1s"}, "-watch -1s is negative"},
		{[]string{"census", "-bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"census", "-port", "80", "extra"}, `unexpected argument "extra"`},
		{[]string{"server", "-delay", "-1s"}, "-delay -1s: is negative"},
		{[]string{"server", "-addr", "8080"}, `-addr "8080": is not host:port`},
		{[]string{"server", "-addr", "127.0.0.1:70000"}, `port "70000" is out of range`},
		{[]string{"server", "-max-conns", "-1"}, "-max-conns -1: is negative"},
		{[]string{"server", "-max-header-bytes", "-1"}, "-max-header-bytes -1"},
		{[]string{"client"}, `-mode "": give -mode faulty or -mode fixed`},
		{[]string{"client", "-mode", "fixed", "-target", "ftp://x"}, "is not an http:// URL"},
		{[]string{"client", "-mode", "fixed", "-target", "http://192.0.2.1:80/"}, "not a loopback address"},
		{[]string{"client", "-mode", "fixed", "-target", "http://127.0.0.1:99999/"}, "out of range"},
		{[]string{"client", "-mode", "fixed", "-interval", "0s"}, "-interval 0s: must be positive"},
		{[]string{"client", "-mode", "fixed", "-interval", "2s", "-duration", "1s"}, "is not shorter than -duration"},
		{[]string{"compare", "-format", "xml"}, `unknown -format "xml"`},
		{[]string{"compare", "-duration", "-5s"}, "-duration -5s: must be positive"},
		{[]string{"compare", "-interval", "5s", "-duration", "1s"}, "is not shorter than -duration"},
		{[]string{"compare", "-scenario", "nope"}, `-scenario "nope": unknown scenario`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, 5*time.Second, tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

func TestHelpExits0(t *testing.T) {
	code, out, _ := runCLI(t, time.Second, "help")
	assert.Equal(t, exitOK, code)
	for _, c := range []string{"census", "client", "compare", "server"} {
		assert.Contains(t, out, c)
	}
	code, _, stderr := runCLI(t, time.Second, "compare", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "-scenario")
}

func TestCensusSeesAListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	code, out, stderr := runCLI(t, 5*time.Second, "census", "-port", port, "-format", "json")
	require.Equal(t, exitOK, code, stderr)
	var got struct{ Listen int }
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, 1, got.Listen)

	code, out, _ = runCLI(t, 5*time.Second, "census", "-port", port)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "census of port "+port)
	assert.Contains(t, out, "listening sockets: 1")
}

func TestCensusUnknownPidExit1(t *testing.T) {
	code, _, stderr := runCLI(t, 5*time.Second, "census", "-pid", "1073741824")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "no process with pid 1073741824")
}

// lineCounter cancels a context once it has seen n lines.
type lineCounter struct {
	mu     sync.Mutex
	b      strings.Builder
	n      int
	cancel context.CancelFunc
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if strings.Count(l.b.String(), "\n") >= l.n {
		l.cancel()
	}
	return len(p), nil
}

func TestCensusWatchPrintsLinesUntilCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := &lineCounter{n: 3, cancel: cancel}
	code := runContext(ctx, []string{"census", "-port", "1", "-watch", "20ms"}, out, io.Discard)
	assert.Equal(t, exitOK, code)
	assert.NotErrorIs(t, ctx.Err(), context.DeadlineExceeded, "three lines came before the deadline")
	assert.Regexp(t, `^(\d\d:\d\d:\d\d server none \| client none\n){3}$`, out.b.String())
}

func TestServerPortInUseExit1(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr := runCLI(t, 5*time.Second, "server", "-addr", ln.Addr().String())
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "address already in use")
}

func TestServerStopsOnCancelWithSummary(t *testing.T) {
	code, out, _ := runCLI(t, 300*time.Millisecond, "server", "-addr", "127.0.0.1:0", "-report-every", "50ms")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "program: open=0")
	assert.Contains(t, out, "summary: accepted 0 connections")
}

func TestCompareQuickTable(t *testing.T) {
	code, out, stderr := runCLI(t, time.Minute, "compare", "-delay", "100ms", "-interval", "20ms", "-duration", "500ms")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `│ faulty +│.*│ LEAKING │`, out)
	assert.Regexp(t, `│ fixed +│.*│ BOUNDED │`, out)
	assert.Contains(t, stderr, "running new-client-per-request")
}

// TestCompareJSONIsTheRunDocument checks -format json prints the very
// document -out saves: one schema, with its version, the config and the
// variants.
func TestCompareJSONIsTheRunDocument(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "run.json")
	code, out, stderr := runCLI(t, time.Minute, "compare", "-delay", "100ms", "-interval", "20ms", "-duration", "300ms", "-format", "json", "-quiet", "-out", saved)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr, "-quiet prints no progress")
	file, err := os.ReadFile(saved)
	require.NoError(t, err)
	assert.Equal(t, string(file), out, "-format json and -out write the same document")

	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Reports       []struct {
			Config   map[string]any   `json:"config"`
			Variants []map[string]any `json:"variants"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, experiments.SchemaVersion, doc.SchemaVersion)
	require.Len(t, doc.Reports, 1)
	assert.Equal(t, 0.1, doc.Reports[0].Config["delay_seconds"], "durations are float seconds")
	require.Len(t, doc.Reports[0].Variants, 2)
	for _, k := range []string{"variant", "requests", "ok", "errors", "dials", "reused", "peak_established",
		"settled_established", "time_wait", "bound", "verdict", "series"} {
		assert.Contains(t, doc.Reports[0].Variants[0], k)
	}
}

func TestCompareList(t *testing.T) {
	code, out, _ := runCLI(t, time.Second, "compare", "-list")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "new-client-per-request")
}
