package docrun

import (
	"fmt"
	"path"
	"strings"
)

// GoFile is a Go block presented as a complete file.
type GoFile struct {
	Marker *Marker
	Path   string // slash path under the module the test builds, e.g. weather/weather.go
	Text   string
}

// Files returns the document's Go blocks marked with file:.
func Files(doc, text string) ([]GoFile, error) {
	markers, err := Parse(doc, text)
	if err != nil {
		return nil, err
	}
	return goFiles(markers, strings.Split(text, "\n"))
}

// goFiles returns the Go blocks among markers, the parsed markers of a
// document of lines.
func goFiles(markers []*Marker, lines []string) ([]GoFile, error) {
	var out []GoFile
	for _, m := range markers {
		if m.File == "" {
			continue
		}
		p := path.Clean(m.File)
		if path.IsAbs(p) || strings.HasPrefix(p, "..") || path.Ext(p) != ".go" {
			return nil, fmt.Errorf("%s: file %q: want a relative path to a .go file", m.Where(), m.File)
		}
		out = append(out, GoFile{Marker: m, Path: p, Text: strings.Join(lines[m.Start:m.End], "\n") + "\n"})
	}
	return out, nil
}

// UnmarkedFiles returns the line numbers of the Go blocks that read like a
// whole file (they hold a package clause) but carry no file: marker, so
// that nothing a reader may paste as a file goes unbuilt.
func UnmarkedFiles(text string) []int {
	lines := strings.Split(text, "\n")
	var out []int
	inBlock, marked := false, false
	start := 0
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case !inBlock && strings.HasPrefix(t, "```go"):
			inBlock, start = true, i
			marked = false
			for j := i - 1; j >= 0; j-- {
				p := strings.TrimSpace(lines[j])
				if p == "" {
					continue
				}
				marked = strings.HasPrefix(p, "<!--") && strings.Contains(p, "file:") || strings.HasSuffix(p, "-->") && strings.Contains(p, "file:")
				break
			}
		case inBlock && strings.HasPrefix(t, "```"):
			inBlock = false
		case inBlock && !marked && strings.HasPrefix(t, "package "):
			out = append(out, start+1)
			marked = true // one report per block
		}
	}
	return out
}
