package suite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// Config says what Run checks.
type Config struct {
	// Dir is the directory the patterns are relative to ("" is the
	// current directory); it must be inside a module.
	Dir string
	// Patterns are go list package patterns such as ./...; none means ".".
	Patterns []string
	// NoTests leaves out the _test.go files, which go vet checks.
	NoTests bool
	// ShowAllowed also returns the findings a //leaklab:allow comment
	// allows, their message ending in "(allowed: reason)".
	ShowAllowed bool
}

// Finding is one thing an analyzer found.
type Finding struct {
	Pos      token.Position `json:"pos"`
	Analyzer string         `json:"analyzer"`
	Message  string         `json:"message"`
}

// running serialises Run: it sets the analyzers' -allowed flags, which
// are package state.
var running sync.Mutex

// Run loads the packages cfg names and runs every analyzer on them. A
// package that does not load or type-check is an error, as for go vet.
// Cancelling ctx stops the loading of packages.
func Run(ctx context.Context, cfg Config) ([]Finding, error) {
	running.Lock()
	defer running.Unlock()
	pkgs, err := load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	analyzers := Analyzers()
	if err := vetutil.SetAllowed(analyzers, cfg.ShowAllowed); err != nil {
		return nil, err
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		return nil, err
	}
	return collect(graph), nil
}

func load(ctx context.Context, cfg Config) ([]*packages.Package, error) {
	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	pkgs, err := packages.Load(&packages.Config{Context: ctx, Mode: packages.LoadAllSyntax, Dir: cfg.Dir, Tests: !cfg.NoTests}, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var errs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, errors.New(e.Error()))
		}
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// collect gathers the root findings, each once (a file of a package with
// tests is checked twice, with and without them), sorted by position.
func collect(graph *checker.Graph) []Finding {
	seen := map[Finding]bool{}
	var out []Finding
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			f := Finding{Pos: act.Package.Fset.Position(d.Pos), Analyzer: act.Analyzer.Name, Message: d.Message}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column), cmp.Compare(a.Analyzer, b.Analyzer))
	})
	return out
}

// Write prints findings as go vet does, file:line:col: message, with the
// analyzer's name at the end (the name an allow comment takes); file
// names are relative to dir when they are inside it.
func Write(w io.Writer, dir string, findings []Finding) error {
	for _, f := range findings {
		name := f.Pos.Filename
		if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s [%s]\n", name, f.Pos.Line, f.Pos.Column, f.Message, f.Analyzer); err != nil {
			return err
		}
	}
	return nil
}
