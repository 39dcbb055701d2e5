package docrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoDocs are the documents of the repository, read from its root.
func repoDocs(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	paths = append(paths, "../../README.md")
	docs := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel("../..", p)
		docs[rel] = string(b)
	}
	require.NotEmpty(t, docs)
	return docs
}

// TestDocFilesCompile builds and vets every Go block the documents present
// as a complete file, the way a reader would after pasting them: each in
// its package directory inside this module, so that imports of leaklab's
// packages resolve.
func TestDocFilesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the documents' Go files")
	}
	dir, err := os.MkdirTemp("testdata", "docfiles-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	n := 0
	for doc, text := range repoDocs(t) {
		files, err := Files(doc, text)
		require.NoError(t, err)
		sub := filepath.Join(dir, filepath.Base(doc[:len(doc)-len(filepath.Ext(doc))]))
		for _, f := range files {
			p := filepath.Join(sub, filepath.FromSlash(f.Path))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			_, err := os.Stat(p)
			require.True(t, os.IsNotExist(err), "%s: %s is marked twice in %s", f.Marker.Where(), f.Path, doc)
			require.NoError(t, os.WriteFile(p, []byte(f.Text), 0o644))
			n++
		}
	}
	require.NotZero(t, n, "no block marked as a file")
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "the documents' Go files do not build or vet:\n%s", out)
	cmd = exec.Command("gofmt", "-l", ".")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err)
	assert.Empty(t, string(out), "the documents' Go files are not gofmt'ed")
}

// TestEveryWholeFileIsMarked: a Go block with a package clause reads as a
// file a reader may paste, so it must be marked (and so built above).
func TestEveryWholeFileIsMarked(t *testing.T) {
	for doc, text := range repoDocs(t) {
		for _, line := range UnmarkedFiles(text) {
			t.Errorf("%s:%d: a Go block with a package clause has no <!-- file: dir/name.go --> marker", doc, line)
		}
	}
}

func TestUnmarkedFiles(t *testing.T) {
	text := "```go\nfunc f() {}\n```\n" +
		"```go\npackage a\n```\n" +
		"<!-- file: a/b.go -->\n```go\npackage a\n```\n"
	assert.Equal(t, []int{4}, UnmarkedFiles(text))
}

func TestFilesRejectsEscapes(t *testing.T) {
	_, err := Files("x.md", "<!-- file: ../../etc/x.go -->\n```go\npackage x\n```\n")
	assert.Error(t, err)
	fs, err := Files("x.md", "<!-- file: a/b.go -->\n```go\npackage a\n```\n")
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "package a\n", fs[0].Text)
}
