package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/leaklab/leaklab/doctor"
	"github.com/leaklab/leaklab/netstat"
)

// doctorFlags is the parsed command line of doctor.
type doctorFlags struct {
	cfg         doctor.Config
	format      string
	failOnChurn bool
	chart       bool
}

const doctorSynopsis = "-pid N | -port P [-interval 1s] [-duration 30s] [-samples 0] [-format table|json] [-pprof http://127.0.0.1:6060] [-fail-on-churn]"

// runDoctor watches a process (or a port) and says which peer leaks: exit
// 1 when a group leaks (or churns, with -fail-on-churn), 0 when none does.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDoctor(args, stderr)
	if err != nil {
		return err
	}
	var progress io.Writer = stderr
	if f.format == "json" {
		progress = nil // stdout is one JSON object; keep stderr for errors
	}
	r, err := doctor.Watch(ctx, f.cfg, progress)
	if err != nil {
		return err
	}
	if err := writeDoctor(stdout, r, f); err != nil {
		return err
	}
	if r.Leaking || r.Churning && f.failOnChurn {
		return errReported
	}
	return nil
}

func parseDoctor(args []string, stderr io.Writer) (doctorFlags, error) {
	f := doctorFlags{}
	fs := newFlagSet("doctor", doctorSynopsis, stderr)
	pid := fs.Int("pid", 0, "watch the sockets of this process `id` (any program, Go or not)")
	port := fs.Int("port", 0, "watch both ends of the connections to this `port` (a server's side, with its TIME_WAIT); with -pid, that process's sockets of the port")
	fs.DurationVar(&f.cfg.Interval, "interval", doctor.DefaultInterval, "time between two samples")
	fs.DurationVar(&f.cfg.Duration, "duration", doctor.DefaultDuration, "how long to watch (Ctrl-C ends early, with the report)")
	fs.IntVar(&f.cfg.Samples, "samples", 0, "stop after this many samples, even before -duration (0: watch for -duration)")
	fs.StringVar(&f.format, "format", "table", "output `format`: table (with a status line per sample on stderr) or json")
	fs.StringVar(&f.cfg.PprofURL, "pprof", "", "`URL` of the process's net/http/pprof (loopback only), e.g. http://127.0.0.1:6060: adds the goroutine evidence")
	fs.BoolVar(&f.failOnChurn, "fail-on-churn", false, "exit 1 on TIME_WAIT churn too (by default churn is reported and exits 0)")
	fs.Float64Var(&f.cfg.ChurnRate, "churn-rate", doctor.DefaultChurnRate, "new TIME_WAIT sockets per second, to one peer, that count as churn")
	fs.BoolVar(&f.chart, "chart", true, "draw the top groups under the table")
	engine := fs.String("engine", string(netstat.EngineAuto), "census `engine`: auto (netlink on Linux, gopsutil if the kernel refuses it), netlink or gopsutil")
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if err := f.check(*pid, *port); err != nil {
		return f, err
	}
	f.cfg.Pid, f.cfg.Port, f.cfg.Engine = int32(*pid), uint16(*port), netstat.Engine(*engine)
	f.cfg = f.cfg.WithDefaults()
	if err := f.cfg.Validate(); err != nil {
		return f, flagError(fs, err)
	}
	return f, nil
}

// check says what doctor.Config cannot: flag values out of the range of
// its fields, and the output format.
func (f *doctorFlags) check(pid, port int) error {
	switch {
	case pid < 0 || pid > math.MaxInt32:
		return usagef("-pid %d is out of range; give a process id from ps", pid)
	case port < 0 || port > 65535:
		return usagef("-port %d is out of range; give a TCP port between 1 and 65535", port)
	case f.format != "table" && f.format != "json":
		return usagef("unknown -format %q; use table or json", f.format)
	}
	return nil
}

// writeDoctor prints the report: JSON, or the table, the sentences, a
// hint about -pprof for Go processes, and the chart.
func writeDoctor(w io.Writer, r doctor.Report, f doctorFlags) error {
	if f.format == "json" {
		return r.WriteJSON(w)
	}
	if !f.chart {
		return errors.Join(r.WriteSummary(w), pprofHint(w, r))
	}
	return errors.Join(r.WriteText(w), pprofHint(w, r))
}

func pprofHint(w io.Writer, r doctor.Report) error {
	if r.Goroutines != nil {
		return nil
	}
	_, err := fmt.Fprintln(w, "hint: a Go process can tell more: serve net/http/pprof on loopback and add -pprof http://127.0.0.1:PORT for its goroutines")
	return err
}
