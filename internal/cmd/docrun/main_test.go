package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// buildLeaklab builds the real binary into a bin directory of the test.
func buildLeaklab(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "leaklab"), "../../../cmd/leaklab").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

const lesson = "# A lesson\n\n" +
	"<!-- run: leaklab compare -delay 100ms -interval 20ms -duration 500ms -chart=false\n" +
	"stderr: drop | check: columns,verdict\n" +
	"expect: row.faulty[\"settled ESTAB\"] == row.faulty.ok\n" +
	"-->\n```\n```\n"

// TestChangedVerdictFailsDocsCheck runs the real comparison twice: once to
// write its block, once to check it. The block as written passes; with one
// verdict changed, as a kit that starts judging differently would print
// it, the check fails.
func TestChangedVerdictFailsDocsCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs leaklab compare")
	}
	bin := buildLeaklab(t)
	doc := filepath.Join(t.TempDir(), "lesson.md")
	require.NoError(t, os.WriteFile(doc, []byte(lesson), 0o644))
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-bin", bin, doc}, &out, &out), out.String())
	b, err := os.ReadFile(doc)
	require.NoError(t, err)
	written := string(b)
	require.Contains(t, written, "BOUNDED  fixed:", "the block holds the real run's verdicts")

	out.Reset()
	assert.Equal(t, 0, run(context.Background(), []string{"-check", "-bin", bin, doc}, &out, &out), "the block as made passes:\n%s", out.String())

	changed := strings.Replace(written, "BOUNDED  fixed:", "LEAKING  fixed:", 1)
	require.NoError(t, os.WriteFile(doc, []byte(changed), 0o644))
	out.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-check", "-bin", bin, doc}, &out, &out))
	assert.Contains(t, out.String(), "verdict: line changed")
	assert.Contains(t, out.String(), "LEAKING  fixed:")
	b, err = os.ReadFile(doc)
	require.NoError(t, err)
	assert.Equal(t, changed, string(b), "-check never writes")
}

func TestUsage(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, &out, &out))
	assert.Equal(t, 2, run(context.Background(), []string{"-bin", t.TempDir()}, &out, &out))
	assert.Contains(t, out.String(), "make build")
	assert.Equal(t, 2, run(context.Background(), []string{"-bin", t.TempDir(), "-run", "("}, &out, &out))
}
