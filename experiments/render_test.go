package experiments_test

import (
	"bytes"
	"testing"

	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/experiments/experimentstest"
	"github.com/leaklab/leaklab/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestRenderGolden renders the fixed comparison in every format compare
// takes, for one scenario and for two run one after the other, and
// compares with testdata/ (go test -update rewrites it).
func TestRenderGolden(t *testing.T) {
	one := experiments.Suite{shortReport()}
	second := shortReport()
	second.Config.Scenario = experiments.BodyNotClosed
	for i := range second.Variants {
		second.Variants[i].Scenario = experiments.BodyNotClosed
	}
	two := experiments.Suite{one[0], second}
	for _, format := range experiments.Formats {
		for name, suite := range map[string]experiments.Suite{"one": one, "two": two} {
			t.Run(format+"/"+name, func(t *testing.T) {
				var b bytes.Buffer
				require.NoError(t, suite.Write(&b, format))
				golden.Assert(t, "render-"+name+"."+format, b.Bytes())
			})
		}
	}
}

// shortReport is the fixed comparison with three samples per variant,
// which keeps the JSON files short; no other format shows the samples.
func shortReport() experiments.Report {
	r := experimentstest.Report()
	for i := range r.Variants {
		r.Variants[i].Series = r.Variants[i].Series[:3]
	}
	return r
}
