package report

import (
	"fmt"
	"html/template"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/netstat"
)

// Colours of the variants and of the bound, the same on every chart.
var colours = map[string]string{"faulty": "#d62728", "fixed": "#2ca02c", "bound": "#7f7f7f", "worst": "#555555"}

// stateColours gives each TCP state its own colour on the by-state charts.
var stateColours = map[string]string{
	netstat.Established: "#1f77b4", netstat.TimeWait: "#ff7f0e", netstat.CloseWait: "#9467bd",
	netstat.FinWait1: "#8c564b", netstat.FinWait2: "#e377c2", netstat.LastAck: "#bcbd22",
	netstat.SynSent: "#17becf", netstat.SynRecv: "#7f7f7f", netstat.Closing: "#aec7e8", netstat.Close: "#c7c7c7",
}

// Chart is one chart of the page, rendered by go-echarts: its element and
// the script that draws it.
type Chart struct {
	Element template.HTML
	Script  template.HTML
}

// point is one (t, value) pair of a line on a time axis.
func point(t float64, v float64) opts.LineData { return opts.LineData{Value: []any{t, v}} }

// newTimeChart returns a line chart over time with the page's defaults:
// SVG (so a test can see the drawn paths), no animation, a fixed id.
func newTimeChart(id, title, subtitle, yName string) *charts.Line {
	l := charts.NewLine()
	l.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "1100px", Height: "440px", Renderer: "svg"}),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Top: "70", Bottom: "70", Left: "60", Right: "40"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "time (s)", NameLocation: "middle", NameGap: 28, Min: 0}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Min: 0, MinInterval: 1}),
	)
	return l
}

// addLine adds one series; dashed lines are for the bound.
func addLine(l *charts.Line, name, colour string, data []opts.LineData, dashed bool) {
	style := opts.LineStyle{Color: colour, Width: 2}
	if dashed {
		style.Type, style.Width = "dashed", 1.5
	}
	l.AddSeries(name, data,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(style),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}))
}

// values turns a variant's series into points of one measure.
func values(v experiments.VariantResult, f func(experiments.Sample) float64) []opts.LineData {
	out := make([]opts.LineData, 0, len(v.Series))
	for _, s := range v.Series {
		out = append(out, point(s.T, f(s)))
	}
	return out
}

func lastT(r experiments.Report) float64 {
	t := 0.0
	for _, v := range r.Variants {
		if n := len(v.Series); n > 0 {
			t = max(t, v.Series[n-1].T)
		}
	}
	return t
}

func colourOf(variant string) string {
	if c, ok := colours[variant]; ok {
		return c
	}
	return "#1f77b4"
}

// establishedChart is the picture of the leak: client ESTABLISHED over
// time per variant, with the bound as two dashed lines.
func establishedChart(id string, r experiments.Report) *charts.Line {
	sub := ""
	for i, v := range r.Variants {
		if i > 0 {
			sub += "   ·   "
		}
		sub += fmt.Sprintf("%s: %s, peak %d, settled %d", v.Variant, v.Verdict, v.PeakEstablished, v.SettledEstablished)
	}
	l := newTimeChart(id, "client ESTABLISHED sockets over time", sub, "sockets")
	for _, v := range r.Variants {
		addLine(l, v.Variant, colourOf(v.Variant), values(v, func(s experiments.Sample) float64 {
			return float64(s.Client[netstat.Established])
		}), false)
	}
	if len(r.Variants) > 0 {
		b, end := r.Variants[0].BoundDetail, lastT(r)
		flat := func(y float64) []opts.LineData { return []opts.LineData{point(0, y), point(end, y)} }
		addLine(l, fmt.Sprintf("expected λ·W + %d = %.0f", b.Idle, b.Expected), colours["bound"], flat(b.Expected), true)
		addLine(l, fmt.Sprintf("worst case of a correct client = %d", b.Max), colours["worst"], flat(float64(b.Max)), true)
	}
	return l
}

// statesChart shows one variant's sockets by side and TCP state, the
// states that held a socket at some point only.
func statesChart(id string, v experiments.VariantResult) *charts.Line {
	l := newTimeChart(id, v.Variant+": sockets by TCP state over time",
		"client side solid, server side dashed; states that never held a socket are left out", "sockets")
	for _, side := range []string{"client", "server"} {
		for _, st := range connectedStates() {
			get := func(s experiments.Sample) float64 {
				if side == "client" {
					return float64(s.Client[st])
				}
				return float64(s.Server[st])
			}
			if !slices.ContainsFunc(v.Series, func(s experiments.Sample) bool { return get(s) > 0 }) {
				continue
			}
			addLine(l, side+" "+st, stateColours[st], values(v, get), side == "server")
		}
	}
	return l
}

// requestsChart shows each variant's requests sent, failed and in flight.
func requestsChart(id string, r experiments.Report) *charts.Line {
	l := newTimeChart(id, "requests and errors over time",
		"sent so far (solid), in flight (dashed), errors so far (dotted)", "requests")
	for _, v := range r.Variants {
		c := colourOf(v.Variant)
		addLine(l, v.Variant+" sent", c, values(v, func(s experiments.Sample) float64 { return float64(s.Sent) }), false)
		addLine(l, v.Variant+" in flight", c, values(v, func(s experiments.Sample) float64 { return float64(s.InFlight) }), true)
		l.AddSeries(v.Variant+" errors", values(v, func(s experiments.Sample) float64 { return float64(s.Errors) }),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: c, Width: 2, Type: "dotted"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	}
	return l
}

// render turns a go-echarts chart into the page's element and script.
func render(l *charts.Line) Chart {
	sn := l.RenderSnippet()
	return Chart{Element: template.HTML(sn.Element), Script: template.HTML(sn.Script)} // go-echarts JSON-encodes the data
}
