package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/leaklab/leaklab/vet/suite"
)

// runVet finds the leak catalogue in source: go vet's output, exit 1 on a
// finding.
func runVet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("vet", "[-C dir] [-allowed] [-tests=false] [packages]", stderr)
	dir := fs.String("C", ".", "run in this `directory`, as go -C does: the module whose packages to check")
	allowed := fs.Bool("allowed", false, "also report the findings a //leaklab:allow <analyzer> <reason> comment allows, marked as allowed")
	tests := fs.Bool("tests", true, "check the _test.go files too, as go vet does")
	if err := parseOnly(fs, args); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return usagef("-C %q: %v", *dir, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return usagef("-C %q is not a directory; give the directory of a module", *dir)
	}
	findings, err := suite.Run(ctx, suite.Config{Dir: abs, Patterns: fs.Args(), NoTests: !*tests, ShowAllowed: *allowed})
	if err != nil {
		return err
	}
	if err := suite.Write(stderr, abs, findings); err != nil {
		return err
	}
	if len(findings) > 0 {
		return errReported
	}
	return nil
}
