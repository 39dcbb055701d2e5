package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/leaklab/leaklab/experiments"
)

// The charting library, inlined in every page so that it opens offline:
// Apache ECharts 5.4.3, the "common" build (line charts, the SVG and
// canvas renderers, title, legend, tooltip, grid), from the npm package
// echarts@5.4.3 (dist/echarts.common.min.js; its licence and notice are
// next to it).
//
//go:embed assets/echarts.common.min.js
var echartsJS string

//go:embed page.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// Options tune the HTML page.
type Options struct {
	// Title heads the page; empty means "leaklab compare: <scenarios>".
	Title string
	// Source names the run file the page was made from; shown if set.
	Source string
}

// page is what the template fills in.
type page struct {
	Title    string
	Source   string
	ECharts  template.JS
	Sections []section
	Charts   int
}

// section is one scenario of the run.
type section struct {
	Report   experiments.Report
	Summary  string
	Lesson   string
	Main     Chart
	Others   []Chart
	Settings [][2]string
	Columns  []string
	Rows     [][]string
}

// WriteHTML writes a self-contained page for the run: per scenario, the
// client ESTABLISHED chart with the bound, the comparison table, the
// sockets by TCP state of each variant, the requests and errors over
// time, and the run's settings.
func WriteHTML(w io.Writer, s experiments.Suite, o Options) error {
	if len(s) == 0 {
		return fmt.Errorf("nothing to draw: the run holds no scenario")
	}
	p := page{Title: o.Title, Source: o.Source, ECharts: template.JS(echartsJS)}
	if p.Title == "" {
		p.Title = "leaklab compare: " + scenarioNames(s)
	}
	for i, rep := range s {
		sec := newSection(i, rep)
		p.Charts += 1 + len(sec.Others)
		p.Sections = append(p.Sections, sec)
	}
	return pageTemplate.Execute(w, p)
}

func scenarioNames(s experiments.Suite) string {
	names := ""
	for i, r := range s {
		if i > 0 {
			names += ", "
		}
		names += r.Config.Scenario
	}
	return names
}

func newSection(i int, rep experiments.Report) section {
	// A JS identifier: go-echarts names the chart's variables after it.
	id := func(n int) string { return fmt.Sprintf("chart_%d_%d", i+1, n) }
	sec := section{Report: rep, Main: render(establishedChart(id(1), rep)), Columns: tableColumns}
	if sc, ok := experiments.Lookup(rep.Config.Scenario); ok {
		sec.Summary, sec.Lesson = sc.Summary, sc.Lesson
	}
	for j, v := range rep.Variants {
		sec.Others = append(sec.Others, render(statesChart(id(2+j), v)))
		sec.Rows = append(sec.Rows, tableRow(v))
	}
	sec.Others = append(sec.Others, render(requestsChart(id(2+len(rep.Variants)), rep)))
	sec.Settings = settings(rep)
	return sec
}

// tableColumns and tableRow are the comparison table of the page.
var tableColumns = []string{"variant", "requests", "ok", "errors", "dials", "reused",
	"peak ESTABLISHED", "settled ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT", "bound λ·W+idle", "verdict"}

func tableRow(v experiments.VariantResult) []string {
	return []string{v.Variant, fmt.Sprint(v.Requests), fmt.Sprint(v.OK), fmt.Sprint(v.Errors),
		fmt.Sprint(v.Dials), fmt.Sprint(v.Reused),
		fmt.Sprintf("%d at %.1f s", v.PeakEstablished, v.PeakAt), fmt.Sprint(v.SettledEstablished),
		fmt.Sprint(v.TimeWait), fmt.Sprint(v.CloseWait),
		fmt.Sprintf("%.0f (worst %d)", v.Bound, v.BoundDetail.Max), v.Verdict}
}

// settings lists the run's configuration and bound, as label and value.
func settings(rep experiments.Report) [][2]string {
	c := rep.Config
	every := c.SampleEvery
	if every == 0 {
		every = c.Interval
	}
	out := [][2]string{
		{"scenario", c.Scenario},
		{"server delay (W)", c.Delay.String()},
		{"load", fmt.Sprintf("one request every %v plus 0..%d more (seed %d)", c.Interval, c.Extra, c.Seed)},
		{"duration", c.Duration.String()},
		{"census period", max(every, experiments.MinSampleEvery).String()},
		{"socket cap", fmt.Sprintf("%d per client", c.MaxSockets)},
		{"started", rep.Started.Format(time.RFC3339)},
		{"elapsed", fmt.Sprintf("%.1f s", rep.Elapsed)},
	}
	if len(rep.Variants) > 0 {
		b := rep.Variants[0].BoundDetail
		out = append(out, [2]string{"bound (Little's law)", fmt.Sprintf(
			"λ = %.1f req/s, W = %.2f s, λ·W = %.1f in flight, + %d idle = %.0f expected; worst case of a correct client %d",
			b.Lambda, b.W, b.InFlight, b.Idle, b.Expected, b.Max)})
	}
	if rep.Interrupted {
		out = append(out, [2]string{"interrupted", "yes: the load stopped early; figures cover the part that ran"})
	}
	return out
}
