package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two segments of one run, started together with -start-at, each write
// their result with -out; conns merge puts them back together.
func TestConnsSegmentsMerge(t *testing.T) {
	addr, accepted := holdListener(t)
	dir := t.TempDir()
	start := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	outs := make([]string, 2)
	var wg sync.WaitGroup
	codes, stderrs := make([]int, 2), make([]string, 2)
	for i := range 2 {
		outs[i] = filepath.Join(dir, []string{"a.json", "b.json"}[i])
		wg.Go(func() {
			codes[i], _, stderrs[i] = runCLI(t, time.Minute, "conns", "-target", addr, "-connections", "5", "-delay", "0",
				"-interval", "20ms", "-hold", "300ms", "-segment", []string{"0/2", "1/2"}[i], "-start-at", start,
				"-out", outs[i], "-format", "json")
		})
	}
	wg.Wait()
	for i := range 2 {
		require.Equal(t, exitOK, codes[i], stderrs[i])
		assert.Contains(t, stderrs[i], "the ramp starts at ")
	}
	waitAccepted(t, accepted, 5)
	assert.Contains(t, stderrs[0], "segment 0/2 of run conns-")
	assert.Contains(t, stderrs[1], "2 of 5 connections", "round(5/2) = 3 for the first, 2 for the second")

	code, out, stderr := runCLI(t, time.Minute, "conns", "merge", outs[1], outs[0])
	require.Equal(t, exitOK, code, stderr)
	for _, want := range []string{"2 segments", "│ 0/2 ", "│ 1/2 ", "5 of 5, reached after", "status timeline of the run"} {
		assert.Contains(t, out, want)
	}

	code, out, stderr = runCLI(t, time.Minute, "conns", "merge", "-format", "json", outs[0], outs[1])
	require.Equal(t, exitOK, code, stderr)
	merged, err := capacity.ReadResults("merged", strings.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, 5, merged[0].Peak)
	assert.EqualValues(t, 5, merged[0].ConnectTime.Count)
}

func TestConnsMergeErrors(t *testing.T) {
	addr, _ := holdListener(t)
	dir := t.TempDir()
	run := func(name, segment, runID string) string {
		path := filepath.Join(dir, name)
		code, _, stderr := runCLI(t, time.Minute, "conns", "-target", addr, "-connections", "4", "-delay", "0",
			"-segment", segment, "-run-id", runID, "-out", path)
		require.Equal(t, exitOK, code, stderr)
		return path
	}
	a0, a1, b1 := run("a0.json", "0/2", "run-a"), run("a1.json", "1/2", "run-a"), run("b1.json", "1/2", "run-b")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{a0, b1}, exitFailure, `results of 2 runs are mixed: run "run-a" (` + a0 + `), run "run-b" (` + b1 + `)`},
		{[]string{a0}, exitFailure, `run "run-a" has 2 segments, but 1/2 is missing`},
		{[]string{a0, a1, a1}, exitFailure, "appears twice"},
		{[]string{filepath.Join(dir, "none.json")}, exitFailure, "no such file"},
		{nil, exitUsage, "no results given"},
		{[]string{"-format", "csv", a0}, exitUsage, `unknown -format "csv"`},
	} {
		code, _, stderr := runCLI(t, time.Minute, append([]string{"conns", "merge"}, tc.args...)...)
		assert.Equal(t, tc.code, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
	stdin, err := os.Open(a1)
	require.NoError(t, err)
	defer stdin.Close()
	var out, errOut strings.Builder
	assert.NoError(t, runConnsMerge([]string{a0, "-"}, stdin, &out, &errOut), errOut.String())
}

func TestConnsSegmentFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-segment", "4/4"}, "the index counts from 0 to 3"},
		{[]string{"-segment", "x"}, "want i/N"},
		{[]string{"-segment", "1/4", "-connections", "2"}, `-segment "1/4": takes none of the 2 -connections; give at least 4`},
		{[]string{"-start-at", "tomorrow"}, `-start-at "tomorrow": want an RFC 3339 time`},
		{[]string{"-start-at", "2020-01-01T00:00:00Z"}, "in the past: every segment starts its ramp at that moment"},
		{[]string{"-start-at", time.Now().Add(3 * time.Hour).Format(time.RFC3339)}, "check the day and the time zone"},
		{[]string{"-run-id", "../x"}, `-run-id "../x": want 1 to 64 letters`},
	} {
		code, _, stderr := runCLI(t, time.Minute, append([]string{"conns"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
