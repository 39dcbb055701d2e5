package suite_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/leaklab/leaklab/internal/golden"
	"github.com/leaklab/leaklab/vet/suite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// kitRoot is the leaklab module's root, two levels up.
func kitRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"))
	return root
}

// where lists findings as "file analyzer", file relative to dir.
func where(t *testing.T, dir string, fs []suite.Finding) []string {
	t.Helper()
	var out []string
	for _, f := range fs {
		rel, err := filepath.Rel(dir, f.Pos.Filename)
		require.NoError(t, err)
		out = append(out, filepath.ToSlash(rel)+" "+f.Analyzer)
	}
	return out
}

// TestUnseenModule runs the suite on a module written apart from the
// kit: each catalogue bug is found once, its fixed form never.
func TestUnseenModule(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a module from source")
	}
	dir, err := filepath.Abs("testdata/shop")
	require.NoError(t, err)
	fs, err := suite.Run(t.Context(), suite.Config{Dir: dir, Patterns: []string{"./..."}})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, suite.Write(&buf, dir, fs))
	golden.Assert(t, "shop.golden", buf.Bytes())
	assert.ElementsMatch(t, []string{
		"fetch/fetch.go transportpercall",
		"fetch/fetch.go bodyclose",
		"fetch/fetch.go bodynotdrained",
		"fetch/fetch.go notimeout",
		"web/web.go transportpercall",
		"web/web.go transportpercall",
		"web/web.go servertimeouts",
	}, where(t, dir, fs))
}

// TestKit runs the suite on the whole kit, tests included, with the
// allowed findings shown. The kit's own clients show exactly the
// catalogue's faulty variants that source can show; the fixed ones, and
// the variants that differ from theirs only in data (no-timeout,
// idle-pool-too-small), show nothing. Every finding is allowed as a
// deliberate leak, so leaklab vet ./... is clean. (One load for both
// checks: loading the kit from source is the slow part.)
func TestKit(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the kit from source")
	}
	root := kitRoot(t)
	fs, err := suite.Run(t.Context(), suite.Config{Dir: root, Patterns: []string{"./..."}, ShowAllowed: true})
	require.NoError(t, err)
	var clients []string
	for i, w := range where(t, root, fs) {
		if strings.HasPrefix(w, "clients/") {
			clients = append(clients, w)
			assert.Contains(t, fs[i].Message, "(allowed: the faulty variant of", "%s is a catalogue variant, said so", fs[i].Pos)
		}
		assert.Contains(t, fs[i].Message, "(allowed: ", "%s: %s is not allowed: fix it or allow it", fs[i].Pos, fs[i].Message)
	}
	assert.ElementsMatch(t, []string{
		"clients/faulty.go transportpercall",
		"clients/bodynotclosed.go bodyclose",
		"clients/bodynotdrained.go bodynotdrained",
	}, clients)
}

func TestRunErrors(t *testing.T) {
	_, err := suite.Run(t.Context(), suite.Config{Dir: t.TempDir(), Patterns: []string{"./..."}})
	assert.Error(t, err, "no module")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n\nfunc f() { undefined() }\n"), 0o644))
	_, err = suite.Run(t.Context(), suite.Config{Dir: dir, Patterns: []string{"./..."}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined")
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	fs := []suite.Finding{{Analyzer: "notimeout", Message: "m"}}
	fs[0].Pos.Filename = filepath.Join(dir, "a", "b.go")
	fs[0].Pos.Line, fs[0].Pos.Column = 3, 7
	var buf bytes.Buffer
	require.NoError(t, suite.Write(&buf, dir, fs))
	assert.Equal(t, filepath.Join("a", "b.go")+":3:7: m [notimeout]\n", buf.String())
}

func TestAnalyzersHaveLessons(t *testing.T) {
	for _, a := range suite.Analyzers() {
		assert.Contains(t, a.Doc, "docs/0", "%s links its lesson", a.Name)
		assert.Contains(t, a.Doc, "//leaklab:allow "+a.Name, "%s documents its allow comment", a.Name)
		assert.NotNil(t, a.Flags.Lookup("allowed"), a.Name)
		assert.False(t, strings.HasPrefix(a.Doc, "#"), a.Name)
	}
}
