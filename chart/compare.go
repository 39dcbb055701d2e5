package chart

import (
	"fmt"
	"io"

	"github.com/guptarohit/asciigraph"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/netstat"
)

// Colours and styles of the variants, the same in every picture.
var variantLooks = map[string]struct {
	style  Style
	colour asciigraph.AnsiColor
}{"faulty": {Solid, asciigraph.Red}, "fixed": {Dots, asciigraph.Green}}

// Established writes the picture of a comparison: client ESTABLISHED
// sockets over time, one line per variant, and the worst case of a
// correct client as a dashed line. o.Title, o.Caption and o.XMax are set
// from the report.
func Established(w io.Writer, r experiments.Report, o Options) error {
	var series []Series
	start, end := 0.0, 0.0
	for _, v := range r.Variants {
		s := Series{Name: fmt.Sprintf("%s (%s)", v.Variant, v.Verdict), Style: Solid, Colour: asciigraph.Blue}
		if look, ok := variantLooks[v.Variant]; ok {
			s.Style, s.Colour = look.style, look.colour
		}
		if len(v.Series) > 0 {
			start = v.Series[0].T
		}
		for _, smp := range v.Series {
			s.Values = append(s.Values, float64(smp.Client[netstat.Established]))
			end = max(end, smp.T)
		}
		series = append(series, s)
	}
	if len(r.Variants) > 0 && len(r.Variants[0].Series) > 0 {
		b := r.Variants[0].BoundDetail
		flat := make([]float64, len(r.Variants[0].Series))
		for i := range flat {
			flat[i] = float64(b.Max)
		}
		series = append(series, Series{Name: fmt.Sprintf("worst case of a correct client (%d)", b.Max),
			Values: flat, Style: Dashes, Colour: asciigraph.DarkGray})
	}
	o.Title = "client ESTABLISHED sockets over time, " + r.Config.Scenario
	o.Caption = fmt.Sprintf("    y: sockets in ESTABLISHED on the client side; x: seconds since the start (load for %v, then settling)", r.Config.Duration)
	o.XMin, o.XMax, o.XUnit = start, end, "s"
	return Lines(w, series, o)
}
