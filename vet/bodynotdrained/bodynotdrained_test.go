package bodynotdrained_test

import (
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/leaklab/leaklab/vet/bodynotdrained"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), bodynotdrained.Analyzer, "a")
}
