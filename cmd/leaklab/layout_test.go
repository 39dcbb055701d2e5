package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMELayoutMatchesTheTree checks the README's layout table names
// every directory that holds Go files (testdata aside), each on its own
// row, and that every path it names exists. A new package needs its row.
func TestREADMELayoutMatchesTheTree(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	section := string(readme)
	start := strings.Index(section, "## Layout")
	require.GreaterOrEqual(t, start, 0, "the README has a Layout section")
	section = section[start:]
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)/`").FindAllStringSubmatch(section, -1) {
		listed[m[1]] = true
		_, err := os.Stat(filepath.Join(root, m[1]))
		assert.NoError(t, err, "the layout table names %s/, which does not exist", m[1])
	}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") && name != ".ci" || name == "testdata" || name == "bin" || name == "out") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(name, ".go") {
			return nil
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		if dir != "." && !listed[dir] {
			t.Errorf("%s/ holds Go files but the README's layout table does not name it", dir)
		}
		return nil
	})
	require.NoError(t, err)
}
