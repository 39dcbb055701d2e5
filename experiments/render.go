package experiments

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Formats Write takes.
var Formats = []string{"table", "json", "csv", "markdown"}

// Write renders the report in one of Formats.
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case "table":
		return r.WriteTable(w)
	case "json":
		return r.WriteJSON(w)
	case "csv":
		return r.WriteCSV(w)
	case "markdown":
		return r.WriteMarkdown(w)
	}
	return fmt.Errorf("unknown format %q; use one of %v", format, Formats)
}

var columns = []string{"variant", "requests", "ok", "errors", "dials", "reused",
	"peak ESTAB", "settled ESTAB", "TIME_WAIT", "bound λ·W+idle", "verdict"}

func (v VariantResult) row() []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{v.Variant, i(v.Requests), i(v.OK), i(v.Errors), i(v.Dials), i(v.Reused),
		strconv.Itoa(v.PeakEstablished), strconv.Itoa(v.SettledEstablished), strconv.Itoa(v.TimeWait),
		fmt.Sprintf("%.0f (max %d)", v.Bound, v.BoundDetail.Max), v.Verdict}
}

// WriteTable prints the comparison for people: a heading with the run's
// settings, one row per variant, and one sentence per variant.
func (r Report) WriteTable(w io.Writer) error {
	c := r.Config
	fmt.Fprintf(w, "scenario %s: delay %v, one request every %v plus 0..%d more, for %v (seed %d)\n",
		c.Scenario, c.Delay, c.Interval, c.Extra, c.Duration, c.Seed)
	if r.Interrupted {
		fmt.Fprintln(w, "interrupted: the load stopped early; figures cover the part that ran")
	}
	return r.table(w, tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off)))
}

// WriteMarkdown prints the same table as Markdown, for docs and issues.
func (r Report) WriteMarkdown(w io.Writer) error {
	return r.table(w, tablewriter.NewTable(w, tablewriter.WithRenderer(renderer.NewMarkdown()), tablewriter.WithHeaderAutoFormat(tw.Off)))
}

func (r Report) table(w io.Writer, t *tablewriter.Table) error {
	t.Header(anySlice(columns)...)
	for _, v := range r.Variants {
		if err := t.Append(v.row()); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, v := range r.Variants {
		if _, err := fmt.Fprintf(w, "%-8s %s\n", v.Verdict, v.Meaning); err != nil {
			return err
		}
	}
	return nil
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// WriteJSON prints the variants as a JSON array, series included.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Variants)
}

// WriteCSV prints one CSV row per variant, with the table's columns.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"scenario", "variant", "requests", "ok", "errors", "dials", "reused",
		"peak_established", "settled_established", "time_wait", "bound", "bound_max", "verdict"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, v := range r.Variants {
		i := func(n int64) string { return strconv.FormatInt(n, 10) }
		rec := []string{v.Scenario, v.Variant, i(v.Requests), i(v.OK), i(v.Errors), i(v.Dials), i(v.Reused),
			strconv.Itoa(v.PeakEstablished), strconv.Itoa(v.SettledEstablished), strconv.Itoa(v.TimeWait),
			strconv.FormatFloat(v.Bound, 'f', 0, 64), strconv.Itoa(v.BoundDetail.Max), v.Verdict}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Suite is the reports of several scenarios run one after the other.
type Suite []Report

// Write renders every report in one of Formats: tables one after the
// other, one JSON array of every variant, one CSV with one header.
func (s Suite) Write(w io.Writer, format string) error {
	if len(s) == 1 {
		return s[0].Write(w, format)
	}
	merged := Report{}
	for _, r := range s {
		merged.Variants = append(merged.Variants, r.Variants...)
	}
	switch format {
	case "json":
		return merged.WriteJSON(w)
	case "csv":
		return merged.WriteCSV(w)
	}
	for i, r := range s {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := r.Write(w, format); err != nil {
			return err
		}
	}
	return nil
}
