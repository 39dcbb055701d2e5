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

func init() {
	register(command{name: "report", summary: "draw a run saved by compare -out: an HTML page with charts, CSV, or the table and chart", run: runReport})
}

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", "run.json [-html report.html] [-csv series.csv] [-title text] [-chart=false]", stderr)
	html := fs.String("html", "", "write a self-contained HTML page with the charts, the table and the settings to this `file`")
	csv := fs.String("csv", "", "write the time series as CSV to this `file`: one row per sample per variant")
	title := fs.String("title", "", "title of the HTML page (default: leaklab compare: <scenarios>)")
	withChart := fs.Bool("chart", true, "with neither -html nor -csv: draw the chart under the table")
	path, code := parseWithFile(fs, args)
	if code >= 0 {
		return code
	}
	suite, err := report.Load(path)
	if errors.Is(err, report.ErrNoRun) {
		return usageErr(stderr, "report", "%v", err)
	}
	if err != nil {
		return failure(stderr, "report", err)
	}
	if *html == "" && *csv == "" {
		if err := writeTables(stdout, suite, *withChart); err != nil {
			return failure(stderr, "report", err)
		}
		return exitOK
	}
	if err := writeReportFiles(suite, path, *html, *csv, *title, stdout); err != nil {
		return failure(stderr, "report", err)
	}
	return exitOK
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
// (leaklab report run.json -html r.html, or -html r.html run.json). It
// returns the file and -1, or the exit code to return.
func parseWithFile(fs *flag.FlagSet, args []string) (string, int) {
	if code := parseFlags(fs, args); code >= 0 {
		return "", code
	}
	if fs.NArg() == 0 {
		return "", usageErr(fs.Output(), fs.Name(), "give the run file to draw, written by leaklab compare -out: leaklab %s run.json -html report.html", fs.Name())
	}
	path := fs.Arg(0)
	if code := parseFlags(fs, fs.Args()[1:]); code >= 0 {
		return "", code
	}
	if fs.NArg() > 0 {
		return "", usageErr(fs.Output(), fs.Name(), "one run file at a time; got %q and %q", path, fs.Arg(0))
	}
	return path, -1
}

// parseFlags is parse without the check for stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}
