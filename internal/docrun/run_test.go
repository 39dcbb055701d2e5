package docrun

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runner(t *testing.T) *Runner {
	t.Helper()
	return &Runner{Bin: t.TempDir(), Dir: t.TempDir(), Timeout: 20 * time.Second}
}

func TestRunShowsCommands(t *testing.T) {
	r := runner(t)
	out, err := r.Run(context.Background(), []string{
		"@port=18090",
		"echo serving on ${port}",
		`echo "it's ${port}" | tr a-z A-Z`,
		`@echo "exit $?"`,
	}, true, false, 0)
	require.NoError(t, err)
	assert.Equal(t, "$ echo serving on 18090\nserving on 18090\n$ echo \"it's 18090\" | tr a-z A-Z\nIT'S 18090\nexit 0\n", out)

	out, err = r.Run(context.Background(), []string{"echo out", "echo err >&2", "false"}, false, true, 0)
	require.NoError(t, err, "a failing last command is output, not an error")
	assert.Equal(t, "out\n", out)
}

// pgidFile makes a script write its process group id, so that a test can
// look for what is left of it.
func pgidOf(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pgid"))
	require.NoError(t, err)
	pgid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return pgid
}

func TestRunKillsStrays(t *testing.T) {
	r := runner(t)
	_, err := r.Run(context.Background(), []string{
		"@ps -o pgid= $$ > pgid",
		"sleep 300 &",
		"(sleep 300; echo never) &",
		"echo started",
	}, true, false, 0)
	require.ErrorIs(t, err, ErrStray)
	assert.Empty(t, GroupMembers(pgidOf(t, r.Dir)), "every process the script left is gone")
}

func TestRunStoppedServerIsNoStray(t *testing.T) {
	r := runner(t)
	out, err := r.Run(context.Background(), []string{
		"@ps -o pgid= $$ > pgid",
		"sleep 300 > server.log 2>&1 &",
		"echo client",
		"kill %1",
	}, true, false, 0)
	require.NoError(t, err, out)
	assert.Empty(t, GroupMembers(pgidOf(t, r.Dir)))
}

func TestRunTimeout(t *testing.T) {
	r := runner(t)
	start := time.Now()
	_, err := r.Run(context.Background(), []string{"@ps -o pgid= $$ > pgid", "sleep 300"}, true, false, 300*time.Millisecond)
	require.ErrorContains(t, err, "still running after 300ms")
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.Empty(t, GroupMembers(pgidOf(t, r.Dir)))
}

func TestProcessRewritesAndChecks(t *testing.T) {
	doc := "intro\n" +
		"<!-- run: echo 'LEAKING  faulty: 10 sockets' > log.txt\n@cat log.txt\nexpect: re(`(\\d+) sockets`) >= 10 -->\n" +
		"```\nstale\n```\n" +
		"<!-- from: log.txt | check: verdict -->\n```\nLEAKING  faulty: 9 sockets\n```\nend\n"
	opt := Options{Bin: t.TempDir(), Write: true, Timeout: 20 * time.Second}
	text, res, err := Process(context.Background(), "x.md", doc, opt)
	require.NoError(t, err)
	require.Len(t, res, 2)
	for _, r := range res {
		assert.False(t, r.Failed(), "%+v", r)
	}
	assert.Contains(t, text, "```\n$ echo 'LEAKING  faulty: 10 sockets' > log.txt\nLEAKING  faulty: 10 sockets\n```\n")
	assert.Contains(t, text, "```\nLEAKING  faulty: 10 sockets\n```\nend\n")

	opt.Write, opt.Check = false, true
	_, res, err = Process(context.Background(), "x.md", strings.Replace(text, "```\nLEAKING  faulty: 10 sockets\n```\nend", "```\nBOUNDED  faulty: 10 sockets\n```\nend", 1), opt)
	require.NoError(t, err)
	assert.True(t, res[1].Failed(), "the changed verdict of the second block fails")

	opt.Check = false
	_, res, err = Process(context.Background(), "x.md", strings.Replace(doc, ">= 10", ">= 11", 1), opt)
	require.NoError(t, err)
	require.NotEmpty(t, res[0].Problems)
	assert.Equal(t, "expect", res[0].Problems[0].Check)
}

func TestPreambleHelpers(t *testing.T) {
	bin := t.TempDir()
	// A stand-in census: listening on 1 once the file "up" exists.
	fake := "#!/bin/sh\nif [ -e up ]; then echo '{\"server\":{},\"client\":{},\"listen\":1}'; else echo '{\"server\":{},\"client\":{},\"listen\":0}'; fi\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "leaklab"), []byte(fake), 0o755))
	r := &Runner{Bin: bin, Dir: t.TempDir(), Timeout: 20 * time.Second}
	out, err := r.Run(context.Background(), []string{"@quietport 1", "@(sleep 0.2; touch up) &", "@waitport 1", "echo up"}, true, false, 0)
	require.NoError(t, err)
	assert.Equal(t, "$ echo up\nup\n", out)
}

func TestProcessQuickSkipsHeavyBlocks(t *testing.T) {
	doc := "<!-- run: echo heavy > big.log | quick: - -->\n```\nold\n```\n" +
		"<!-- from: big.log -->\n```\nold\n```\n" +
		"<!-- run: echo light -->\n```\n$ echo light\nlight\n```\n"
	opt := Options{Bin: t.TempDir(), Check: true, Quick: true, Timeout: 20 * time.Second}
	_, res, err := Process(context.Background(), "x.md", doc, opt)
	require.NoError(t, err)
	require.Len(t, res, 3)
	assert.True(t, res[0].Skipped, "quick: - is make docs only")
	assert.True(t, res[1].Skipped, "and so is the block made from its file")
	assert.False(t, res[2].Skipped)
	assert.False(t, res[2].Failed(), "%+v", res[2])
}

func TestProcessSkip(t *testing.T) {
	doc := "<!-- run: echo a -->\n```\n```\n<!-- run: echo b -->\n```\n```\n"
	opt := Options{Bin: t.TempDir(), Write: true, Skip: regexp.MustCompile(`echo a`), Timeout: 20 * time.Second}
	text, res, err := Process(context.Background(), "x.md", doc, opt)
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.True(t, res[0].Skipped)
	assert.False(t, res[1].Skipped)
	assert.Equal(t, "<!-- run: echo a -->\n```\n```\n<!-- run: echo b -->\n```\n$ echo b\nb\n```\n", text)
}

func TestProcessReportsStrays(t *testing.T) {
	doc := "<!-- run: sleep 300 &\necho started -->\n```\n```\n"
	opt := Options{Bin: t.TempDir(), Write: true, Timeout: 20 * time.Second}
	text, res, err := Process(context.Background(), "x.md", doc, opt)
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.ErrorIs(t, res[0].Err, ErrStray)
	assert.Equal(t, doc, text, "a block whose run left processes is not written")
}
