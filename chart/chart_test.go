package chart_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leaklab/leaklab/chart"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/experiments/experimentstest"
	goldenfile "github.com/leaklab/leaklab/internal/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Assert(t, name+".golden", []byte(got))
}

func TestEstablishedGolden(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, chart.Established(&b, experimentstest.Report(), chart.Options{}))
	golden(t, "established", b.String())
	out := b.String()
	assert.NotContains(t, out, "\x1b[", "no colour unless asked")
	for _, want := range []string{"faulty (LEAKING)", "fixed (BOUNDED)", "worst case of a correct client (68)", "5s", "y: sockets"} {
		assert.Contains(t, out, want)
	}
}

// TestTableAndChartGolden is what compare prints for -format table: the
// comparison table, then the chart under it.
func TestTableAndChartGolden(t *testing.T) {
	rep := experimentstest.Report()
	var b bytes.Buffer
	require.NoError(t, rep.Write(&b, "table"))
	b.WriteString("\n")
	require.NoError(t, chart.Established(&b, rep, chart.Options{}))
	golden(t, "table-and-chart", b.String())
}

func TestEstablishedInColour(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, chart.Established(&b, experimentstest.Report(), chart.Options{Colour: true}))
	assert.Contains(t, b.String(), "\x1b[", "ANSI colours when asked")
}

func TestLinesWithoutSamples(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, chart.Lines(&b, []chart.Series{{Name: "empty"}}, chart.Options{Title: "sockets"}))
	assert.Equal(t, "sockets: no samples to draw\n", b.String())
	b.Reset()
	require.NoError(t, chart.Established(&b, experiments.Report{}, chart.Options{}))
	assert.Contains(t, b.String(), "no samples to draw")
}

func TestLinesSizeAndLegend(t *testing.T) {
	var b bytes.Buffer
	series := []chart.Series{
		{Name: "up", Values: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{Name: "flat", Values: []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, Style: chart.Dots},
	}
	require.NoError(t, chart.Lines(&b, series, chart.Options{Width: 20, Height: 5, XMax: 9, XUnit: "s", Caption: "caption"}))
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	assert.Len(t, lines, 6+2+2, "5+1 plot rows, the x axis and its labels, legend, caption")
	assert.Contains(t, b.String(), "─── up   ••• flat")
	assert.Contains(t, b.String(), "9s")
	golden(t, "lines", b.String())
}

func TestSpark(t *testing.T) {
	cases := []struct {
		name   string
		values []float64
		top    float64
		want   string
	}{
		{"empty", nil, 10, ""},
		{"zero is blank", []float64{0, 0}, 10, "  "},
		{"climbing", []float64{1, 2, 3, 4, 5, 6, 7, 8}, 8, "▂▃▄▅▅▆▇█"},
		{"over the top is full", []float64{20}, 10, "█"},
		{"no top", []float64{3}, 0, " "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, chart.Spark(tc.values, tc.top))
		})
	}
	assert.Equal(t, []float64{3, 4}, chart.Tail([]float64{1, 2, 3, 4}, 2))
	assert.Equal(t, []float64{1}, chart.Tail([]float64{1}, 5))
}
