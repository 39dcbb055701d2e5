package main_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// build compiles leaklab-vet into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "leaklab-vet")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// run runs name in dir and returns its combined output and exit code.
func run(t *testing.T, dir, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), 0
}

// The findings on the unseen module, by file and lesson.
var shopFindings = []string{
	"fetch/fetch.go:62:32: http.Transport made for this call only",
	"fetch/fetch.go:86:8: response body closed after a partial read",
	"fetch/fetch.go:98:26: response body must be closed",
	"fetch/fetch.go:107:15: http.Get sends through http.DefaultClient",
	"web/web.go:14:9: http.ListenAndServe serves",
	"web/web.go:28:32: http.Transport made for this call only",
	"web/web.go:63:7: NewClient makes a new Transport, here for this call only",
}

func TestVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tool and runs go vet")
	}
	bin := build(t)
	shop := filepath.Join("..", "..", "vet", "suite", "testdata", "shop")
	t.Run("go vet -vettool", func(t *testing.T) {
		out, code := run(t, shop, "go", "vet", "-vettool="+bin, "./...")
		assert.Equal(t, 1, code, out)
		assertFindings(t, shop, out)
	})
	t.Run("patterns", func(t *testing.T) {
		out, code := run(t, shop, bin, "./...")
		assert.Equal(t, 3, code, "multichecker's exit code for findings: %s", out)
		assertFindings(t, shop, out)
	})
	t.Run("kit clean", func(t *testing.T) {
		out, code := run(t, filepath.Join("..", ".."), "go", "vet", "-vettool="+bin, "./clients/...", "./server/...")
		assert.Equal(t, 0, code, out)
	})
	t.Run("allowed shown", func(t *testing.T) {
		out, code := run(t, filepath.Join("..", ".."), bin, "-transportpercall.allowed", "./clients/...")
		assert.Equal(t, 3, code, out)
		assert.Contains(t, out, "faulty.go")
		assert.Contains(t, out, "(allowed: the faulty variant of new-client-per-request")
	})
}

// assertFindings checks that out, run in dir, says shopFindings and
// nothing else (multichecker prints absolute file names, go vet relative
// ones).
func assertFindings(t *testing.T, dir, out string) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	out = strings.ReplaceAll(out, abs+string(filepath.Separator), "")
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		l = strings.TrimPrefix(filepath.ToSlash(l), "./")
		matched := l // a line no finding expects fails the match
		for _, w := range shopFindings {
			if strings.HasPrefix(l, w) {
				matched = w
			}
		}
		got = append(got, matched)
	}
	assert.ElementsMatch(t, shopFindings, got, out)
}
