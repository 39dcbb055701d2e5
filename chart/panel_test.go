package chart_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leaklab/leaklab/chart"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/experiments/experimentstest"
	"github.com/stretchr/testify/assert"
)

// feed gives the panel the fixture's samples round by round, as the
// sampler does during a run.
func feed(p *chart.Panel, rep experiments.Report) {
	for i := range rep.Variants[0].Series {
		l := experiments.Live{Config: rep.Config, Bound: rep.Variants[0].BoundDetail}
		for _, v := range rep.Variants {
			l.Variants = append(l.Variants, v.Variant)
			l.Samples = append(l.Samples, v.Series[i])
		}
		p.Update(l)
	}
}

func TestPanelPlainWritesOneLinePerSecond(t *testing.T) {
	var b bytes.Buffer
	feed(chart.NewPanel(&b, false), experimentstest.Report())
	out := b.String()
	assert.NotContains(t, out, "\x1b[", "no cursor movement outside a terminal")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	assert.Len(t, lines, 6, "samples from 0.1 s to 5.0 s: one line at 0.1 s, then at 1, 2, 3, 4 and 5 s")
	golden(t, "panel-plain", out)
}

func TestPanelOnATerminalRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	feed(chart.NewPanel(&b, true), experimentstest.Report())
	out := b.String()
	assert.Equal(t, fixtureRounds-1, strings.Count(out, "\x1b[4A"), "every frame after the first moves up over the last one")
	last := out[strings.LastIndex(out, "\x1b[4A"):]
	golden(t, "panel-tty-last-frame", last)
	assert.Contains(t, last, "faulty")
	assert.Contains(t, last, "█", "the faulty sparkline reaches the top")
}

const fixtureRounds = experimentstest.Samples
