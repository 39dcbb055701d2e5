package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/leaklab/leaklab/experiments"
)

func init() {
	register(command{name: "compare", summary: "run a faulty and a fixed client side by side and print what leaked", run: runCompare})
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := experiments.DefaultConfig()
	fs := newFlagSet("compare", "[-scenario new-client-per-request] [-delay 20s] [-interval 1s] [-extra 2] [-duration 60s] [-seed 1] [-format table|json|csv|markdown]", stderr)
	fs.StringVar(&c.Scenario, "scenario", c.Scenario, "catalogue `name` to run (see -list), or all")
	fs.DurationVar(&c.Delay, "delay", c.Delay, "how long each server waits before answering")
	fs.DurationVar(&c.Interval, "interval", c.Interval, "period of the load: one request per tick plus 0..extra more")
	fs.IntVar(&c.Extra, "extra", c.Extra, "most extra requests per tick (random, seeded)")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "how long the clients send; in-flight requests then finish")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the random extras (same seed, same load)")
	fs.IntVar(&c.MaxSockets, "max-sockets", c.MaxSockets, "stop a client that holds this many sockets")
	fs.DurationVar(&c.SampleEvery, "sample-every", c.SampleEvery, fmt.Sprintf("census period (0: the interval; never under %v)", experiments.MinSampleEvery))
	format := fs.String("format", "table", "output `format`: table, json, csv or markdown")
	list := fs.Bool("list", false, "print the scenario catalogue and exit")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if *list {
		return listScenarios(stdout)
	}
	if !slices.Contains(experiments.Formats, *format) {
		return usageErr(stderr, "compare", "unknown -format %q; use one of %v", *format, experiments.Formats)
	}
	if err := c.Validate(); err != nil {
		return usageErr(stderr, "compare", "%v", err)
	}
	if !*quiet {
		c.OnProgress = func(line string) { fmt.Fprintln(stderr, line) }
		b := experiments.NewBound(c, 2)
		fmt.Fprintf(stderr, "running %s for %v (expected in flight λ·W = %.1f); Ctrl-C stops the load and still prints the table\n", c.Scenario, c.Duration, b.InFlight)
	}
	suite, err := runScenarios(ctx, c)
	if err != nil {
		return failure(stderr, "compare", err)
	}
	if err := suite.Write(stdout, *format); err != nil {
		return failure(stderr, "compare", err)
	}
	return exitOK
}

func listScenarios(w io.Writer) int {
	for _, s := range experiments.Scenarios() {
		fmt.Fprintf(w, "%-24s %s\n%-24s symptom: %s; lesson: %s\n", s.Name, s.Summary, "", s.Symptom, s.Lesson)
	}
	return exitOK
}

func runScenarios(ctx context.Context, c experiments.Config) (experiments.Suite, error) {
	if c.Scenario == experiments.All {
		return experiments.CompareAll(ctx, c)
	}
	rep, err := experiments.Compare(ctx, c)
	return experiments.Suite{rep}, err
}
