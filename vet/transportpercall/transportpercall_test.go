package transportpercall_test

import (
	"testing"

	"go.uber.org/goleak"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/leaklab/leaklab/vet/transportpercall"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), transportpercall.Analyzer, "a")
}
