package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/report"
)

const connsSynopsis = "-target 127.0.0.1:8080 [-connections 100] [-delay 10ms | -rate 1000/s] [-interval 1s] [-timeout 5s] [-hold 0] " +
	"[-max-duration 10m] [-mode tcp|http] [-ping 0] [-reopen] [-auto] [-source 127.0.0.1,127.0.0.2-127.0.0.9] [-workers N] " +
	"[-segment i/N] [-start-at RFC3339] [-run-id ID] [-format table|json] [-out FILE]\n" +
	"       leaklab conns merge [-format table|json] [-max-errors -1] FILE... (- reads stdin)"

// connsFlags is the parsed command line of conns.
type connsFlags struct {
	cfg       capacity.Config
	rate      string
	sources   string
	format    string
	mode      string
	workers   int
	maxErrors int
	startAt   string
	out       string
}

func runConns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if spec := os.Getenv(capacity.WorkerEnv); spec != "" {
		return connsWorker(ctx, spec, stdout)
	}
	if len(args) > 0 && args[0] == "merge" {
		return runConnsMerge(args[1:], os.Stdin, stdout, stderr)
	}
	f, err := parseConns(args, stderr)
	if err != nil {
		return err
	}
	progress := stdout
	if f.format == "json" {
		progress = stderr // stdout holds the JSON result alone
	}
	if err := checkConnsLimits(&f, progress, stderr); err != nil {
		return err
	}
	f.cfg.OnInterval = func(c capacity.Counts) { fmt.Fprintln(progress, c.Line()) }
	res, err := f.run(ctx, stderr)
	if err != nil && res.Workers == 0 {
		return err
	}
	fmt.Fprintln(progress, res.Final.Line())
	if err == nil {
		if cerr := res.Check(f.maxErrors); cerr != nil {
			err = fmt.Errorf("FAIL: %w", cerr)
		}
	}
	if err != nil && f.format == "json" {
		// Said before the JSON, which stays the last line of a log.
		fmt.Fprintf(stderr, "leaklab conns: %v\n", err)
		err = errReported
	}
	if werr := writeConnsResult(res, f, stdout); werr != nil {
		return werr
	}
	return err
}

func parseConns(args []string, stderr io.Writer) (connsFlags, error) {
	f := connsFlags{cfg: capacity.DefaultConfig(), workers: 1, maxErrors: -1}
	fs := newFlagSet("conns", connsSynopsis, stderr)
	f.define(fs)
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if err := f.finish(set); err != nil {
		return f, usagef("%v", err)
	}
	if err := f.cfg.Validate(); err != nil {
		return f, flagError(fs, err)
	}
	if f.maxErrors < -1 {
		return f, usagef("-max-errors %d: give -1 for any number of errors, or 0 and up", f.maxErrors)
	}
	return f, nil
}

func (f *connsFlags) define(fs *flag.FlagSet) {
	c := &f.cfg
	fs.StringVar(&c.Target, "target", c.Target, "`host:port` to connect to (an IP address or localhost; loopback only unless -allow-remote)")
	fs.IntVar(&c.Connections, "connections", c.Connections, "connections to open and hold (-auto: a cap, default up to the open-files limit)")
	fs.DurationVar(&c.Delay, "delay", c.Delay, "pause between two dials (0: as fast as -dial-concurrency allows)")
	fs.StringVar(&f.rate, "rate", "", "dials per second instead of -delay, e.g. 1000/s, 50/ms")
	fs.IntVar(&c.DialConcurrency, "dial-concurrency", c.DialConcurrency, "most dials in flight at once")
	fs.DurationVar(&c.Interval, "interval", c.Interval, "period of the Total/Dialing/Established line")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "bound on each dial, and on each pong with -ping")
	fs.DurationVar(&c.Hold, "hold", c.Hold, "how long to hold the connections once all were tried (0: close at once)")
	fs.DurationVar(&c.MaxDuration, "max-duration", c.MaxDuration, "bound on the whole run (0: none beyond the ramp and -hold)")
	fs.StringVar(&f.mode, "mode", string(c.Mode), "tcp (plain connections, any server) or http (one keep-alive GET each, then idle)")
	fs.DurationVar(&c.Ping, "ping", c.Ping, "every connection sends GET -path every `interval` and wants an answer within -timeout (tcp mode: any bytes back, e.g. from an echo server)")
	fs.StringVar(&c.Path, "path", c.Path, "request `path` of http mode and of pings (/?delay=5m holds a request in flight on leaklab server)")
	fs.BoolVar(&c.Reopen, "reopen", false, "redial connections that close or fail, to keep -connections open during -hold")
	fs.BoolVar(&c.Auto, "auto", false, "open at the rate until failures persist (-fail-after), then report the highest concurrency and why it stopped")
	fs.IntVar(&c.FailAfter, "fail-after", c.FailAfter, "-auto stops after this many failures without a new peak")
	fs.StringVar(&f.sources, "source", "", "local `addresses` to dial from in turn, e.g. 127.0.0.1,127.0.0.2-127.0.0.9 (each reaches one target through one ephemeral port range)")
	fs.BoolVar(&c.AllowRemote, "allow-remote", false, "allow a target outside loopback; only for servers you own")
	fs.BoolVar(&c.Reset, "rst", false, "close with a RST at the end, leaving no TIME_WAIT behind")
	fs.IntVar(&f.workers, "workers", f.workers, "spread the run over `N` processes, each with its own open-files limit")
	fs.IntVar(&f.maxErrors, "max-errors", f.maxErrors, "exit 1 when there are more errors than this (-1: any number)")
	fs.StringVar(&f.format, "format", "table", "summary `format`: table, or json (one line: the whole result, histogram and timeline included, for conns merge)")
	fs.Var(&c.Segment, "segment", "run segment `i/N` of a run spread over N hosts (i from 0 to N-1, e.g. $JOB_COMPLETION_INDEX): its share of -connections, -rate and -source")
	fs.StringVar(&f.startAt, "start-at", "", "start the ramp at this RFC 3339 `time`, e.g. 2026-12-01T20:30:00Z, so every segment ramps together (ahead, by at most 1h)")
	fs.StringVar(&c.RunID, "run-id", "", "`id` that labels the results for conns merge (default: derived from -target, -connections, the segment count and -start-at)")
	fs.StringVar(&f.out, "out", "", "also write the result as JSON (as -format json) to `file`, for conns merge")
}

// finish turns the flags that need parsing into the config.
func (f *connsFlags) finish(set map[string]bool) error {
	f.cfg.Mode = capacity.Mode(f.mode)
	if f.format != "table" && f.format != "json" {
		return fmt.Errorf("unknown -format %q; use table or json", f.format)
	}
	if f.workers < 1 {
		return fmt.Errorf("-workers %d: want 1 or more processes", f.workers)
	}
	if f.cfg.Auto && !set["connections"] {
		f.cfg.Connections = 0 // up to the open-files limit
	}
	if f.rate != "" {
		if set["delay"] {
			return fmt.Errorf("-delay and -rate both given; pick one")
		}
		r, err := capacity.ParseRate(f.rate)
		if err != nil {
			return err
		}
		f.cfg.Rate = r
	}
	if f.startAt != "" {
		at, err := time.Parse(time.RFC3339, f.startAt)
		if err != nil {
			return fmt.Errorf("-start-at %q: want an RFC 3339 time such as %s", f.startAt, time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
		}
		f.cfg.StartAt = at
	}
	srcs, err := capacity.ParseSources(f.sources)
	f.cfg.Sources = srcs
	return err
}

// checkConnsLimits raises the open-files limit, says what it is, and
// refuses a run that cannot fit in it or in the ephemeral port range.
func checkConnsLimits(f *connsFlags, progress, stderr io.Writer) error {
	limit, err := capacity.RaiseFileLimit()
	if err != nil {
		return err
	}
	ports, err := capacity.ReadPortRange()
	if err != nil {
		fmt.Fprintf(stderr, "leaklab conns: %v; not checking the connections per source address\n", err)
		ports = capacity.PortRange{Low: 1, High: 65535}
	}
	if f.workers > 1 {
		fmt.Fprintf(progress, "%s in this process; each of the %d worker processes raises its own\n", limit, f.workers)
	} else {
		fmt.Fprintln(progress, limit)
	}
	part := f.cfg.Share()
	if !f.cfg.Segment.Whole() {
		fmt.Fprintf(progress, "segment %s of run %s: %d of %d connections", f.cfg.Segment, f.cfg.ID(), part.Connections, f.cfg.Connections)
		if len(part.Sources) > 0 {
			fmt.Fprintf(progress, " from %s", capacity.FormatSources(part.Sources))
		}
		fmt.Fprintln(progress)
	}
	if !f.cfg.StartAt.IsZero() {
		fmt.Fprintf(progress, "the ramp starts at %s, in %v\n", f.cfg.StartAt.Format(time.RFC3339Nano), time.Until(f.cfg.StartAt).Round(time.Millisecond))
	}
	if err := part.CheckLimits(limit, ports, f.workers); err != nil {
		return usagef("%v", err)
	}
	if perSource := part.Connections / max(len(part.Sources), 1); perSource > ports.Size()/2 {
		fmt.Fprintf(stderr, "leaklab conns: note: %d connections per source address use more than half of the ephemeral ports %s; past that Linux's connect() searches longer for a free port and slows sharply. -source 127.0.0.1-127.0.0.%d spreads them\n",
			perSource, ports, part.Connections/(ports.Size()/2)+1)
	}
	return nil
}

// run runs the tester in this process, or over worker processes.
func (f *connsFlags) run(ctx context.Context, stderr io.Writer) (capacity.Result, error) {
	if f.workers == 1 {
		return capacity.Run(ctx, f.cfg)
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	command := func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, exe, "conns") }
	return capacity.RunWorkers(ctx, f.cfg, f.workers, command, stderr)
}

// writeConnsResult writes the summary to stdout, and the JSON to -out.
func writeConnsResult(res capacity.Result, f connsFlags, stdout io.Writer) error {
	if f.out != "" {
		if err := report.Save(f.out, res.WriteJSON); err != nil {
			return err
		}
	}
	if f.format == "json" {
		return res.WriteJSON(stdout)
	}
	return res.WriteTable(stdout)
}

// connsWorker is one process of a -workers run: RunWorkers started it
// with the config in capacity.WorkerEnv, and reads its JSON lines.
func connsWorker(ctx context.Context, spec string, stdout io.Writer) error {
	if err := capacity.ServeWorker(ctx, spec, stdout); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	return nil
}
