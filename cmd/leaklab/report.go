package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/report"
)

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "run.json [-html report.html] [-csv series.csv] [-title text] [-chart=false]", stderr)
	html := fs.String("html", "", "write a self-contained HTML page with the charts, the table and the settings to this `file`")
	csv := fs.String("csv", "", "write the series CSV to this `file`: one row per sample per variant (docs/RUN-FORMAT.md)")
	title := fs.String("title", "", "title of the HTML page (default: leaklab compare: <scenarios>)")
	withChart := fs.Bool("chart", true, "with neither -html nor -csv: draw the chart under the table")
	path, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	suite, err := report.Load(path)
	if errors.Is(err, report.ErrNoRun) {
		return usagef("%v; write one with leaklab compare -out %s", err, path)
	}
	if err != nil {
		return fmt.Errorf("%w; give a file written by leaklab compare -out", err)
	}
	if *html == "" && *csv == "" {
		return writeTables(stdout, suite, *withChart)
	}
	return writeReportFiles(suite, path, *html, *csv, *title, stdout)
}

func writeReportFiles(suite experiments.Suite, source, html, csv, title string, stdout io.Writer) error {
	if html != "" {
		o := report.Options{Title: title, Source: source}
		if err := report.Save(html, func(w io.Writer) error { return report.WriteHTML(w, suite, o) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: open it in a browser (it needs no network)\n", html)
	}
	if csv != "" {
		if err := report.Save(csv, func(w io.Writer) error { return report.WriteCSV(w, suite) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the time series to %s\n", csv)
	}
	return nil
}

// parseWithFile parses flags given before or after the one file argument
// (leaklab report run.json -html r.html, or -html r.html run.json), and
// returns the file.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	if err := parseOnly(fs, args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", usagef("give the run file to draw, written by leaklab compare -out: leaklab %s run.json -html report.html", fs.Name())
	}
	path := fs.Arg(0)
	if err := parseOnly(fs, fs.Args()[1:]); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", usagef("one run file at a time; got %q and %q", path, fs.Arg(0))
	}
	return path, nil
}
