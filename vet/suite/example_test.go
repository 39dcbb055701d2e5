package suite_test

import (
	"context"
	"fmt"
	"os"

	"github.com/leaklab/leaklab/vet/suite"
)

// Run the analyzers from a program or a test of your own, and fail on a
// finding: what leaklab vet does.
func ExampleRun() {
	dir, _ := os.Getwd()
	findings, err := suite.Run(context.Background(), suite.Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = suite.Write(os.Stderr, dir, findings)
	if len(findings) > 0 {
		os.Exit(1)
	}
}
