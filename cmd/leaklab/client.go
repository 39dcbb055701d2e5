package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/leaklab/leaklab/internal/oslimits"
	"github.com/leaklab/leaklab/netstat"
)

type clientFlags struct {
	mode      string
	load      clients.LoadConfig
	fixed     clients.FixedConfig
	maxErrors int
	dryRun    bool
}

func runClient(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := clientFlags{load: clients.LoadConfig{Seed: clients.DefaultSeed}, maxErrors: -1}
	fs := newFlagSet("client", "-mode faulty|fixed [-target http://127.0.0.1:8080/] [-interval 1s] [-extra 2] [-duration 0] [-seed 1] [-max-sockets 2000] [-max-errors -1] [-dry-run]", stderr)
	fs.StringVar(&f.mode, "mode", "", "which client: faulty (a Transport per request) or fixed (one shared Transport)")
	fs.StringVar(&f.load.Target, "target", "http://127.0.0.1:8080/", "`URL` to GET (loopback only unless -allow-remote)")
	fs.DurationVar(&f.load.Interval, "interval", clients.DefaultInterval, "one request per tick of this period")
	fs.IntVar(&f.load.Extra, "extra", clients.DefaultExtra, "plus a random 0..extra more per tick")
	fs.DurationVar(&f.load.Duration, "duration", 0, "stop sending after this long (0: at Ctrl-C)")
	fs.Uint64Var(&f.load.Seed, "seed", clients.DefaultSeed, "seed of the random extras")
	fs.IntVar(&f.load.MaxSockets, "max-sockets", clients.DefaultMaxSockets, "stop sending when the client holds this many sockets")
	fs.DurationVar(&f.load.DrainTimeout, "drain-timeout", clients.DefaultDrainTimeout, "once sending stops, how long in-flight requests may finish")
	fs.DurationVar(&f.fixed.Timeout, "timeout", 30*time.Second, "fixed client: whole-request timeout (keep it above the server's delay)")
	fs.DurationVar(&f.fixed.IdleConnTimeout, "idle-conn-timeout", clients.DefaultIdleConnTimeout, "fixed client: close pooled connections idle this long")
	fs.BoolVar(&f.load.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address")
	fs.IntVar(&f.maxErrors, "max-errors", f.maxErrors, "stop sending and exit 1 once more than this many requests failed (-1: keep going whatever fails)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check the flags, print what would run and exit without sending")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	req, port, err := f.check(fs)
	if err != nil {
		return err
	}
	if f.dryRun {
		fmt.Fprintf(stdout, "dry run: %s; nothing sent\n", describeLoad(req.Name(), f.load))
		req.Close()
		return nil
	}
	return driveClient(ctx, req, port, f.load, stdout)
}

// check validates the flags and builds the requester.
func (f *clientFlags) check(fs *flag.FlagSet) (clients.Requester, uint16, error) {
	if f.maxErrors < -1 {
		return nil, 0, usagef("-max-errors %d: give the errors allowed (0 or more), or -1 to keep going whatever fails", f.maxErrors)
	}
	if f.maxErrors >= 0 {
		f.load.StopAfterErrors = f.maxErrors + 1
	}
	for _, v := range []interface{ Validate() error }{f.load, f.fixed} {
		if err := v.Validate(); err != nil {
			return nil, 0, flagError(fs, err)
		}
	}
	port, err := clients.TargetPort(f.load.Target)
	if err != nil {
		return nil, 0, flagError(fs, err)
	}
	switch f.mode {
	case clients.Faulty:
		return clients.NewFaulty(), port, nil
	case clients.Fixed:
		return clients.NewFixed(f.fixed), port, nil
	}
	return nil, 0, usagef("-mode %q: give -mode faulty or -mode fixed", f.mode)
}

// describeLoad says in one line what a run sends.
func describeLoad(name string, lc clients.LoadConfig) string {
	until := "until Ctrl-C"
	if lc.Duration > 0 {
		until = "for " + lc.Duration.String()
	}
	return fmt.Sprintf("%s client -> %s: one request every %v plus 0..%d more, %s", name, lc.Target, lc.Interval, lc.Extra, until)
}

// driveClient runs the load with a status line every interval (at least
// every second), then prints a summary and releases the client. A run
// that failed more requests than -max-errors allows exits 1.
func driveClient(ctx context.Context, req clients.Requester, port uint16, lc clients.LoadConfig, stdout io.Writer) error {
	var last atomic.Pointer[clients.Status]
	lc.OnTick = func(s clients.Status) { last.Store(&s) }
	suffix := "" // "until Ctrl-C" already says how it stops
	if lc.Duration > 0 {
		suffix = "; Ctrl-C stops early"
	}
	fmt.Fprintf(stdout, "%s%s\n", describeLoad(req.Name(), lc), suffix)
	stop := statusLines(stdout, &last, port, max(lc.Interval, time.Second))
	res, err := clients.Run(ctx, req, lc)
	stop()
	if err != nil {
		req.Close()
		return err
	}
	printClientSummary(stdout, res, port)
	req.Close()
	fmt.Fprintf(stdout, "released: %s client closed its connections (census now: %s)\n", req.Name(), clientCensus(port))
	if allowed := int64(lc.StopAfterErrors) - 1; allowed >= 0 && res.Errors > allowed {
		return fmt.Errorf("FAIL: %d errors, more than the %d allowed by -max-errors", res.Errors, allowed)
	}
	return nil
}

func statusLines(w io.Writer, last *atomic.Pointer[clients.Status], port uint16, every time.Duration) (stop func()) {
	done, quit := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				if s := last.Load(); s != nil {
					fmt.Fprintf(w, "%6s sent=%d ok=%d errors=%d in-flight=%d open=%d | kernel client side: %s\n",
						s.Elapsed.Round(time.Second), s.Sent, s.OK, s.Errors, s.InFlight, s.OpenConns, clientCensus(port))
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

func clientCensus(port uint16) string {
	// Counts need no owners: skip the walk of every process's descriptors.
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{RemotePort: port}, netstat.Options{SkipOwners: true})
	if err != nil {
		return "unavailable: " + err.Error()
	}
	return snap.Counts().Client.Line()
}

func printClientSummary(w io.Writer, r clients.Result, port uint16) {
	fmt.Fprintf(w, "summary: %s sent %d requests in %v: ok %d, errors %d, new connections %d, reused %d\n",
		r.Variant, r.Requests, r.Elapsed.Round(time.Millisecond), r.OK, r.Errors, r.Dials, r.Reused)
	causes := make([]string, 0, len(r.ErrorsByCause))
	for c := range r.ErrorsByCause {
		causes = append(causes, c)
	}
	sort.Strings(causes)
	for _, c := range causes {
		fmt.Fprintf(w, "  errors %-22s %d  %s\n", c+":", r.ErrorsByCause[c], neterr.Hints[c])
	}
	printLimits(w, r)
	if r.Capped {
		fmt.Fprintln(w, r.CapMessage)
	}
	if r.StoppedOnErrors {
		fmt.Fprintf(w, "stopped sending early: %d requests failed, more than -max-errors allows; the causes above say why\n", r.Errors)
	}
	fmt.Fprintf(w, "kernel client side before release: %s\n", strings.TrimSpace(clientCensus(port)))
}

// printLimits says the limit behind a resource error: the open-files
// limit for "too many open files", the ephemeral port range for "out of
// ephemeral ports".
func printLimits(w io.Writer, r clients.Result) {
	if r.ErrorsByCause[neterr.TooManyFiles] > 0 {
		if l, err := oslimits.OpenFiles(); err == nil {
			fmt.Fprintf(w, "  open-files limit of this process: %d (hard limit %d); every socket is one open file; %s\n", l.Soft, l.Hard, raiseAdvice(l))
		}
	}
	if r.ErrorsByCause[neterr.NoPorts] > 0 {
		if ports, err := capacity.ReadPortRange(); err == nil {
			fmt.Fprintf(w, "  ephemeral port range: %s, the most connections from one address to one server port (%s)\n", ports, oslimits.PortsSource)
		}
	}
}

// raiseAdvice says how to raise an open-files limit.
func raiseAdvice(l oslimits.Files) string {
	if l.Soft < l.Hard {
		return fmt.Sprintf("ulimit -n %d raises it in this shell", l.Hard)
	}
	return "raise the hard limit (ulimit -Hn as root, or /etc/security/limits.conf)"
}
