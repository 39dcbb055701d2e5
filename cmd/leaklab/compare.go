package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/leaklab/leaklab/chart"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/report"
)

// compareOutputs are the compare flags that say where the run goes.
type compareOutputs struct {
	format, out, csv string
	chart, live      bool
	quiet            bool
	dryRun           bool
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := experiments.DefaultConfig()
	var o compareOutputs
	fs := newFlagSet("compare", "[-scenario new-client-per-request] [-delay 20s] [-interval 1s] [-extra 2] [-duration 60s] [-seed 1] [-format table|json|csv|markdown] [-out run.json] [-csv series.csv] [-chart=false] [-live]", stderr)
	fs.StringVar(&c.Scenario, "scenario", c.Scenario, "catalogue `name` to run (see -list), or all for each in turn")
	fs.DurationVar(&c.Delay, "delay", c.Delay, "how long each server waits before answering")
	fs.DurationVar(&c.Interval, "interval", c.Interval, "period of the load: one request per tick plus 0..extra more")
	fs.IntVar(&c.Extra, "extra", c.Extra, "most extra requests per tick (random, seeded)")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "how long the clients send; in-flight requests then finish")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the random extras (same seed, same load)")
	fs.IntVar(&c.MaxSockets, "max-sockets", c.MaxSockets, "stop a client that holds this many sockets")
	fs.DurationVar(&c.SampleEvery, "sample-every", c.SampleEvery, fmt.Sprintf("census period (0: the interval; never under %v)", experiments.MinSampleEvery))
	fs.Func("engine", "census `engine` of the sampler: auto (netlink on Linux, gopsutil if the kernel refuses it), netlink or gopsutil; the servers count with gopsutil", func(v string) error {
		c.Engine = netstat.Engine(v)
		return nil
	})
	fs.StringVar(&o.format, "format", "table", "output `format`: table, json (the run document, as -out writes it), csv (the summary CSV: one row per variant) or markdown")
	fs.StringVar(&o.out, "out", "", "also write the run document (settings, results, every sample; JSON, docs/RUN-FORMAT.md) to this `file`, for leaklab report")
	fs.StringVar(&o.csv, "csv", "", "also write the series CSV to this `file`: one row per sample per variant")
	fs.BoolVar(&o.chart, "chart", true, "draw client ESTABLISHED over time under the table (-format table only)")
	fs.BoolVar(&o.live, "live", false, "show a live panel on stderr while the run goes (plain lines when stderr is not a terminal)")
	list := fs.Bool("list", false, "print the scenario catalogue and exit")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines on stderr")
	fs.BoolVar(&o.dryRun, "dry-run", false, "check the flags, print what would run and the expected bound, and exit without starting anything")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list {
		listScenarios(stdout)
		return nil
	}
	if err := checkCompare(c, o, fs); err != nil {
		return err
	}
	if o.dryRun {
		comparePlan(c, stdout)
		return nil
	}
	watch(&c, o, stderr)
	suite, err := runScenarios(ctx, c)
	if err != nil {
		return err
	}
	return writeCompare(suite, o, stdout, stderr)
}

// checkCompare checks the flags; the config's own Validate comes last.
// For -scenario all, the settings are checked as for any one scenario:
// CompareAll runs each with them.
func checkCompare(c experiments.Config, o compareOutputs, fs *flag.FlagSet) error {
	switch {
	case !slices.Contains(experiments.Formats, o.format):
		return usagef("unknown -format %q; use one of %v", o.format, experiments.Formats)
	case o.live && o.quiet:
		return usagef("-live and -quiet contradict each other; pick one")
	}
	if c.Scenario == experiments.All {
		c.Scenario = experiments.Scenarios()[0].Name
	}
	if err := c.Validate(); err != nil {
		return flagError(fs, err)
	}
	return nil
}

// comparePlan prints what a run would do, for -dry-run.
func comparePlan(c experiments.Config, w io.Writer) {
	what := c.Scenario
	if what == experiments.All {
		what = fmt.Sprintf("the %d scenarios of the catalogue one after the other", len(experiments.Scenarios()))
	}
	fmt.Fprintf(w, "dry run: %s, faulty and fixed side by side, each against its own server on an ephemeral loopback port\n", what)
	fmt.Fprintf(w, "  server delay %v; one request every %v plus 0..%d more, for %v (seed %d); socket cap %d\n",
		c.Delay, c.Interval, c.Extra, c.Duration, c.Seed, c.MaxSockets)
	fmt.Fprintf(w, "  expected in flight λ·W = %.1f; nothing started\n", expectedInFlight(c))
}

// expectedInFlight is λ·W for the scenario, with its own W (a client
// timeout, a server idle timeout) where it has one; for -scenario all, the
// server's delay.
func expectedInFlight(c experiments.Config) float64 {
	if sc, ok := experiments.Lookup(c.Scenario); ok {
		return sc.Bound(c).InFlight
	}
	return experiments.NewBound(c, 0).InFlight
}

// watch sets how the run shows itself while it goes: progress lines, or
// the live panel, or nothing.
func watch(c *experiments.Config, o compareOutputs, stderr io.Writer) {
	if o.quiet {
		return
	}
	fmt.Fprintf(stderr, "running %s for %v (expected in flight λ·W = %.1f); Ctrl-C stops the load and still prints the table\n", c.Scenario, c.Duration, expectedInFlight(*c))
	if o.live {
		c.OnSample = chart.NewPanel(stderr, isTerminal(stderr)).Update
		return
	}
	c.OnProgress = func(line string) { fmt.Fprintln(stderr, line) }
}

// writeCompare prints the run in its format, with the chart under each
// table, then writes the -out and -csv files.
func writeCompare(suite experiments.Suite, o compareOutputs, stdout, stderr io.Writer) error {
	var err error
	if o.format == "table" {
		err = writeTables(stdout, suite, o.chart)
	} else {
		err = suite.Write(stdout, o.format)
	}
	if err != nil {
		return err
	}
	return saveRun(suite, o, stderr)
}

// writeTables prints each scenario's table, and under it its chart of
// client ESTABLISHED over time (in colour on a terminal).
func writeTables(w io.Writer, suite experiments.Suite, withChart bool) error {
	for i, rep := range suite {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := rep.Write(w, "table"); err != nil {
			return err
		}
		if !withChart {
			continue
		}
		fmt.Fprintln(w)
		if err := chart.Established(w, rep, chart.Options{Colour: colourOK(w)}); err != nil {
			return err
		}
	}
	return nil
}

// saveRun writes the -out JSON and the -csv series, and says so.
func saveRun(suite experiments.Suite, o compareOutputs, stderr io.Writer) error {
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
		what  string
	}{
		{o.out, func(w io.Writer) error { return report.WriteJSON(w, suite) }, "run (leaklab report " + o.out + " -html report.html draws it)"},
		{o.csv, func(w io.Writer) error { return report.WriteCSV(w, suite) }, "series CSV"},
	} {
		if f.path == "" {
			continue
		}
		if err := report.Save(f.path, f.write); err != nil {
			return err
		}
		if !o.quiet {
			fmt.Fprintf(stderr, "wrote the %s to %s\n", f.what, f.path)
		}
	}
	return nil
}

func listScenarios(w io.Writer) {
	for _, s := range experiments.Scenarios() {
		fmt.Fprintf(w, "%-24s %s\n%-24s symptom: %s; lesson: %s\n", s.Name, s.Summary, "", s.Symptom, s.Lesson)
	}
}

func runScenarios(ctx context.Context, c experiments.Config) (experiments.Suite, error) {
	if c.Scenario == experiments.All {
		return experiments.CompareAll(ctx, c)
	}
	rep, err := experiments.Compare(ctx, c)
	return experiments.Suite{rep}, err
}
