package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaklab runs the command line as main does, with a deadline.
func leaklab(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code = runContext(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestCompareSavesTheRunAndReportDrawsIt runs a short comparison with
// -out, -csv and -live, checks the JSON and the CSV tell the same series,
// then draws the run with report.
func TestCompareSavesTheRunAndReportDrawsIt(t *testing.T) {
	dir := t.TempDir()
	run, csv, html := filepath.Join(dir, "run.json"), filepath.Join(dir, "series.csv"), filepath.Join(dir, "report.html")
	code, out, errOut := leaklab(t, "compare", "-delay", "100ms", "-interval", "10ms", "-duration", "600ms",
		"-live", "-out", run, "-csv", csv)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "│ faulty", "the table")
	assert.Contains(t, out, "client ESTABLISHED sockets over time", "the chart under it")
	assert.Contains(t, errOut, "t= ", "plain live lines: stderr is not a terminal")
	assert.NotContains(t, errOut, "\x1b[", "no cursor movement outside a terminal")
	assert.Contains(t, errOut, "wrote the run")

	suite, err := report.Load(run)
	require.NoError(t, err)
	f, err := os.Open(csv)
	require.NoError(t, err)
	defer f.Close()
	fromCSV, err := report.ReadCSV(f)
	require.NoError(t, err)
	require.Len(t, suite, 1)
	require.Len(t, fromCSV, len(suite[0].Variants))
	for i, v := range suite[0].Variants {
		assert.NotEmpty(t, v.Series)
		assert.Equal(t, v.Series, fromCSV[i].Series, "%s: the CSV holds the JSON's samples", v.Variant)
	}

	code, out, errOut = leaklab(t, "report", run, "-html", html)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "wrote "+html)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(page), `id="leaklab-check"`)

	code, out, _ = leaklab(t, "report", "-chart=false", run)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "│ fixed")
	assert.NotContains(t, out, "client ESTABLISHED sockets over time")
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"config": `), 0o644))
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report"}, exitUsage, "give the run file to draw"},
		{[]string{"report", filepath.Join(dir, "nope.json")}, exitUsage, "no such run file"},
		{[]string{"report", "a.json", "b.json"}, exitUsage, "one run file at a time"},
		{[]string{"report", "-bogus", "a.json"}, exitUsage, "flag provided but not defined"},
		{[]string{"report", bad, "-html", filepath.Join(dir, "r.html")}, exitFailure, "not valid JSON at line 1"},
		{[]string{"compare", "-live", "-quiet"}, exitUsage, "-live and -quiet contradict"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := leaklab(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errOut, tc.want)
		})
	}
}
