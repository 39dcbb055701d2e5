package servertimeouts_test

import (
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/leaklab/leaklab/vet/servertimeouts"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), servertimeouts.Analyzer, "a", "b")
}
