package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/leaklab/leaklab/chart"
	"github.com/leaklab/leaklab/netstat"
)

// statusLine is the line written after each sample: the time, the sockets
// by state, and the largest group with its growth so far.
func statusLine(cfg Config, samples []Sample) string {
	last := samples[len(samples)-1]
	byState := netstat.StateCounts{}
	var top Key
	for k, n := range last.Counts {
		byState[k.State] += n
		if n > last.Counts[top] || n == last.Counts[top] && k.compare(top) < 0 {
			top = k
		}
	}
	line := fmt.Sprintf("%6.1fs  sample %d  %d sockets  %s", last.At.Seconds(), len(samples), last.Sockets, byState.Line())
	if last.Counts[top] == 0 {
		return line
	}
	times := make([]float64, len(samples))
	for i, s := range samples {
		times[i] = s.At.Seconds()
	}
	g := judge(cfg, group(top, samples), times, true)
	return line + fmt.Sprintf("  | top %s: %d (%+.1f/s)", top, g.Now, g.Fit.Slope)
}

// WriteJSON writes the report as one JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: a heading, the table of groups,
// one sentence per finding, the goroutine evidence and a chart of the top
// groups.
func (r Report) WriteText(w io.Writer) error {
	if err := r.WriteSummary(w); err != nil {
		return err
	}
	if r.Samples < 2 || len(r.Groups) == 0 {
		return nil
	}
	_, err := io.WriteString(w, "\n")
	if err != nil {
		return err
	}
	return r.WriteChart(w, 3)
}

// WriteSummary writes the report for people without its chart: the
// heading, the table of groups, and one sentence per finding with the
// goroutine evidence. WriteText is this and the chart.
func (r Report) WriteSummary(w io.Writer) error {
	if _, err := io.WriteString(w, r.Heading()+"\n"); err != nil {
		return err
	}
	if err := r.WriteTable(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, strings.Join(r.Sentences(), "\n")+"\n")
	return err
}

// Heading is the report's first line: what was watched, how, and why the
// watch ended.
func (r Report) Heading() string {
	return fmt.Sprintf("doctor: %s, %d samples every %v over %s (%s)", r.Target, r.Samples, r.Config.Interval, round(r.Elapsed), r.Ended)
}

// maxRows bounds the table: the groups past it are summed in one row.
const maxRows = 20

// WriteTable writes one row per group (the first maxRows of them): side,
// peer, state, count now and at its peak, growth per second with its fit,
// the verdict, how sure it is and its lesson.
func (r Report) WriteTable(w io.Writer) error {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header("side", "peer", "state", "now", "peak", "growth/s", "fit R²", "verdict", "sure", "lesson")
	for i, g := range r.Groups {
		if i == maxRows {
			if err := t.Append(fmt.Sprintf("… %d more groups", len(r.Groups)-maxRows), "", "", "", "", "", "", "", "", ""); err != nil {
				return err
			}
			break
		}
		if err := t.Append(g.row()); err != nil {
			return err
		}
	}
	return t.Render()
}

func (g Group) row() []string {
	growth, fit := "-", "-"
	if g.Fit.Samples >= 2 && g.Peak >= 2 {
		growth, fit = fmt.Sprintf("%+.1f", g.Fit.Slope), fmt.Sprintf("%.2f", g.Fit.R2)
	}
	if g.State == netstat.TimeWait && g.NewPerSecond > 0 {
		growth = fmt.Sprintf("%+.1f (%.1f new/s)", g.Fit.Slope, g.NewPerSecond)
	}
	sure, lesson := "", ""
	if g.Verdict.Confidence > 0 {
		sure = fmt.Sprintf("%.0f%%", 100*min(g.Verdict.Confidence, 0.999))
	}
	if len(g.Verdict.Lessons) > 0 {
		lesson = strings.TrimSuffix(strings.TrimPrefix(g.Verdict.Lessons[0], "docs/"), ".md")
	}
	return []string{string(g.Side), g.Where(), g.State, fmt.Sprint(g.Now), fmt.Sprint(g.Peak), growth, fit, verdictWord(g.Verdict), sure, lesson}
}

// verdictWord is the table's verdict column.
func verdictWord(v Verdict) string {
	switch {
	case v.Leaking:
		return "LEAKING"
	case v.Kind == KindChurn:
		return "CHURNING"
	case v.Kind == KindTooFew:
		return "?"
	}
	return "steady"
}

// Sentences says what the report means: one sentence per leaking or
// churning group, the goroutine evidence, the notes, and a last line with
// the overall verdict.
func (r Report) Sentences() []string {
	var out []string
	for _, g := range r.Groups {
		if g.Verdict.Leaking || g.Verdict.Kind == KindChurn {
			out = append(out, g.sentence(r))
		}
	}
	if gr := r.Goroutines; gr != nil {
		if gr.Reads == 0 {
			out = append(out, "goroutines: no profile could be read during the watch")
		}
		for _, f := range gr.Findings {
			out = append(out, "goroutines: "+f)
		}
	}
	for _, n := range r.Notes {
		out = append(out, "note: "+n)
	}
	return append(out, r.summary())
}

func (g Group) sentence(r Report) string {
	word := verdictWord(g.Verdict)
	rate := fmt.Sprintf("%+.1f/s over %s (%d samples, Theil–Sen, R² %.2f)", g.Fit.Slope, round(r.Elapsed), g.Fit.Samples, g.Fit.R2)
	if g.Verdict.Kind == KindChurn {
		rate = fmt.Sprintf("%.1f new TIME_WAIT/s, %d now", g.NewPerSecond, g.Now)
	}
	return fmt.Sprintf("%-8s %s %s: %s, %.0f%% sure: %s; see %s", word, g.Side, g.Key, rate,
		100*min(g.Verdict.Confidence, 0.999), g.Verdict.Cause, strings.Join(g.Verdict.Lessons, ", "))
}

// summary is the last line: the overall verdict.
func (r Report) summary() string {
	switch {
	case r.TooFew != "":
		return "NO VERDICT " + r.TooFew
	case r.Leaking:
		return fmt.Sprintf("LEAKING: %s leaks sockets (see above)", r.Target)
	case r.Churning:
		return fmt.Sprintf("CLEAN but CHURNING: %s holds a steady number of sockets but closes and reopens connections (see above)", r.Target)
	case r.Goroutines == nil:
		return fmt.Sprintf("CLEAN: no group of sockets of %s grew during the watch (a Go process serving net/http/pprof can tell more)", r.Target)
	}
	return fmt.Sprintf("CLEAN: no group of sockets of %s grew during the watch", r.Target)
}

// WriteChart draws the counts of the top n groups (the leaking ones
// first) over the watch, with the kit's chart package.
func (r Report) WriteChart(w io.Writer, n int) error {
	if len(r.Times) == 0 {
		_, err := fmt.Fprintf(w, "sockets per group over the watch, %s: no samples to draw\n", r.Target)
		return err
	}
	styles := []chart.Style{chart.Solid, chart.Dots, chart.Dashes}
	var series []chart.Series
	top := 0
	for _, g := range r.Groups {
		if len(series) == min(n, len(styles)) {
			break
		}
		vals := make([]float64, len(g.Counts))
		for i, c := range g.Counts {
			vals[i] = float64(c)
		}
		top = max(top, g.Peak)
		series = append(series, chart.Series{Name: fmt.Sprintf("%s (%s)", g.Key, verdictWord(g.Verdict)), Values: vals, Style: styles[len(series)]})
	}
	return chart.Lines(w, series, chart.Options{
		Title:   "sockets per group over the watch, " + r.Target,
		Caption: "y: sockets in the group; x: seconds since the watch started",
		XMin:    r.Times[0], XMax: r.Times[len(r.Times)-1], XUnit: "s",
		Height: min(max(top, 2), 10), // no repeated labels on a small count
	})
}
