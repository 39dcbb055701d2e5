package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vet runs leaklab vet with args and returns its exit code and stderr.
func vet(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runContext(context.Background(), append([]string{"vet"}, args...), &stdout, &stderr)
	assert.Empty(t, stdout.String(), "findings go to stderr, as go vet's do")
	return code, stderr.String()
}

// findings lists the "file [analyzer]" of each finding line.
func findings(t *testing.T, out string) []string {
	t.Helper()
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		file, _, ok := strings.Cut(l, ":")
		require.True(t, ok, "file:line:col: message, got %q", l)
		name := l[strings.LastIndex(l, "[")+1 : len(l)-1]
		got = append(got, filepath.ToSlash(file)+" "+name)
	}
	return got
}

func TestVetFindsTheCatalogueInAModuleItHasNeverSeen(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a module from source")
	}
	code, out := vet(t, "-C", "../../vet/suite/testdata/shop", "./...")
	assert.Equal(t, exitFailure, code, out)
	// vet/suite's TestUnseenModule checks (and -update rewrites) this file.
	want, err := os.ReadFile("../../vet/suite/testdata/shop.golden")
	require.NoError(t, err)
	assert.Equal(t, string(want), filepath.ToSlash(out))
	assert.Contains(t, out, "fetch/fetch.go:107:15: http.Get sends through http.DefaultClient")
}

// leaklab vet -allowed ./clients/... on the kit: exactly the catalogue's
// faulty variants that source can show (vet/suite's TestKit checks that
// the kit is otherwise clean).
func TestVetKitClients(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the kit from source")
	}
	code, out := vet(t, "-C", "../..", "-allowed", "./clients/...")
	assert.Equal(t, exitFailure, code, out)
	assert.ElementsMatch(t, []string{
		"clients/faulty.go transportpercall", "clients/bodynotclosed.go bodyclose", "clients/bodynotdrained.go bodynotdrained",
	}, findings(t, out))
}

func TestVetUsageAndErrors(t *testing.T) {
	code, out := vet(t, "-nosuchflag")
	assert.Equal(t, exitUsage, code, out)
	code, out = vet(t, "-C", filepath.Join(t.TempDir(), "missing"), "./...")
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, "is not a directory")
	code, out = vet(t, "-C", t.TempDir(), "./...")
	assert.Equal(t, exitFailure, code, "no module there: %s", out)
	assert.Contains(t, out, "leaklab vet: ")
	code, _ = vet(t, "-h")
	assert.Equal(t, exitOK, code)
}
