package experiments

import (
	"encoding/csv"
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

// Columns a scenario can add to the table (Scenario.Columns), between the
// common ones and the bound; each is also its heading.
const (
	ColCloseWait             = "CLOSE_WAIT"
	ColGoroutines            = "goroutines"
	ColDialsPerRequest       = "dials/req"
	ColChurned               = "closed"
	ColPeakInFlight          = "peak in-flight"
	ColCancelled             = "cancelled"
	ColPeakServerEstablished = "peak srv ESTAB"
	ColServerEstablished     = "srv ESTAB"
)

// Columns every table has: first the common ones, then the scenario's,
// then the bound and the verdict.
var (
	commonColumns = []string{"variant", "requests", "ok", "errors", "dials", "reused",
		"peak ESTAB", "settled ESTAB", "TIME_WAIT"}
	closingColumns = []string{"bound λ·W+idle", "verdict"}
)

// cells formats each column's cell of a variant.
var cells = map[string]func(v VariantResult) string{
	"variant":                func(v VariantResult) string { return v.Variant },
	"requests":               func(v VariantResult) string { return itoa(v.Requests) },
	"ok":                     func(v VariantResult) string { return itoa(v.OK) },
	"errors":                 func(v VariantResult) string { return itoa(v.Errors) },
	"dials":                  func(v VariantResult) string { return itoa(v.Dials) },
	"reused":                 func(v VariantResult) string { return itoa(v.Reused) },
	"peak ESTAB":             func(v VariantResult) string { return strconv.Itoa(v.PeakEstablished) },
	"settled ESTAB":          func(v VariantResult) string { return strconv.Itoa(v.SettledEstablished) },
	"TIME_WAIT":              func(v VariantResult) string { return strconv.Itoa(v.TimeWait) },
	ColCloseWait:             func(v VariantResult) string { return strconv.Itoa(v.CloseWait) },
	ColGoroutines:            func(v VariantResult) string { return strconv.Itoa(v.Goroutines) },
	ColDialsPerRequest:       func(v VariantResult) string { return strconv.FormatFloat(v.DialsPerRequest, 'f', 2, 64) },
	ColChurned:               func(v VariantResult) string { return itoa(v.Churned) },
	ColPeakInFlight:          func(v VariantResult) string { return itoa(v.PeakInFlight) },
	ColCancelled:             func(v VariantResult) string { return itoa(v.Cancelled) },
	ColPeakServerEstablished: func(v VariantResult) string { return strconv.Itoa(v.PeakServerEstablished) },
	ColServerEstablished:     func(v VariantResult) string { return strconv.Itoa(v.ServerEstablished) },
	"bound λ·W+idle":         func(v VariantResult) string { return fmt.Sprintf("%.0f (max %d)", v.Bound, v.BoundDetail.Max) },
	"verdict":                func(v VariantResult) string { return v.Verdict },
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// columnsOf lists the table's columns for a scenario.
func columnsOf(scenario string) []string {
	cols := append([]string(nil), commonColumns...)
	if sc, ok := Lookup(scenario); ok {
		cols = append(cols, sc.Columns...)
	}
	return append(cols, closingColumns...)
}

func (v VariantResult) row(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "?"
		if cell, ok := cells[c]; ok {
			out[i] = cell(v)
		}
	}
	return out
}

// WriteTable prints the comparison for people: a heading with the run's
// settings, one row per variant, and one sentence per variant.
func (r Report) WriteTable(w io.Writer) error {
	c := r.Config
	fmt.Fprintf(w, "scenario %s: delay %v, one request every %v plus 0..%d more, for %v (seed %d)\n",
		c.Scenario, c.Delay, c.Interval, c.Extra, c.Duration, c.Seed)
	if sc, ok := Lookup(c.Scenario); ok {
		fmt.Fprintf(w, "symptom: %s\n", sc.Symptom)
	}
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
	cols := columnsOf(r.Config.Scenario)
	t.Header(anySlice(cols)...)
	for _, v := range r.Variants {
		if err := t.Append(v.row(cols)); err != nil {
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

// WriteJSON prints the report as the JSON document of a run (Document)
// that holds it alone.
func (r Report) WriteJSON(w io.Writer) error { return Suite{r}.WriteJSON(w) }

// SummaryCSVHeader is the header of the summary CSV (WriteCSV): one row
// per variant, the table's figures under the names they have in JSON.
// The series CSV, one row per census sample, is another format (package
// report, WriteCSV).
var SummaryCSVHeader = []string{"scenario", "variant", "requests", "ok", "errors", "dials", "reused",
	"peak_established", "settled_established", "time_wait", "bound", "bound_max", "verdict",
	"close_wait", "server_established", "peak_server_established", "peak_in_flight",
	"cancelled", "dials_per_request", "churned", "goroutines"}

// WriteCSV prints the summary CSV: SummaryCSVHeader, then one row per
// variant.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SummaryCSVHeader); err != nil {
		return err
	}
	for _, v := range r.Variants {
		if err := cw.Write(v.summaryRecord()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// summaryRecord is the variant's row of the summary CSV.
func (v VariantResult) summaryRecord() []string {
	i, n := itoa, strconv.Itoa
	return []string{v.Scenario, v.Variant, i(v.Requests), i(v.OK), i(v.Errors), i(v.Dials), i(v.Reused),
		n(v.PeakEstablished), n(v.SettledEstablished), n(v.TimeWait),
		strconv.FormatFloat(v.Bound, 'f', 0, 64), n(v.BoundDetail.Max), v.Verdict,
		n(v.CloseWait), n(v.ServerEstablished), n(v.PeakServerEstablished),
		i(v.PeakInFlight), i(v.Cancelled), strconv.FormatFloat(v.DialsPerRequest, 'f', 3, 64),
		i(v.Churned), n(v.Goroutines)}
}

// Suite is the reports of several scenarios run one after the other.
type Suite []Report

// Write renders every report in one of Formats: tables one after the
// other, one JSON document (Document) with every report, one summary CSV
// with one header.
func (s Suite) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		return s.WriteJSON(w)
	case "csv":
		merged := Report{}
		for _, r := range s {
			merged.Variants = append(merged.Variants, r.Variants...)
		}
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
