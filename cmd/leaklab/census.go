package main

import (
	"context"
	"io"
	"math"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// censusFlags is the parsed command line of census.
type censusFlags struct {
	sel    netstat.Selector
	opts   netstat.Options
	watch  time.Duration
	format string
}

func runCensus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseCensus(args, stderr)
	if err != nil {
		return err
	}
	if f.watch == 0 {
		return censusOnce(ctx, f.sel, f.opts, f.format, stdout)
	}
	return censusWatch(ctx, f.sel, f.opts, f.watch, f.format, stdout)
}

// parseCensus parses and checks the flags.
func parseCensus(args []string, stderr io.Writer) (censusFlags, error) {
	var f censusFlags
	fs := newFlagSet("census", "-port 8080 [-pid N] [-watch 1s] [-format table|json] [-engine netlink|gopsutil]", stderr)
	port := fs.Int("port", 0, "select both ends of connections to this `port` (server side: local port, client side: remote port); counts TIME_WAIT")
	pid := fs.Int("pid", 0, "select the sockets of this process `id` (with -port, plus that port's ownerless TIME_WAIT sockets)")
	fs.DurationVar(&f.watch, "watch", 0, "print one line every `interval` until Ctrl-C (0: print once)")
	fs.StringVar(&f.format, "format", "table", "output `format`: table or json")
	engine := fs.String("engine", "auto", "census `engine`: netlink (Linux: the kernel filters), gopsutil (/proc/net/tcp) or auto (netlink on Linux, else gopsutil)")
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	switch {
	case *port < 0 || *port > 65535:
		return f, usagef("-port %d is out of range; give a TCP port between 1 and 65535", *port)
	case *pid < 0 || *pid > math.MaxInt32:
		return f, usagef("-pid %d is out of range; give a process id from ps", *pid)
	case *port == 0 && *pid == 0:
		return f, usagef("nothing selected; give -port (e.g. -port 8080) and/or -pid")
	case f.watch < 0:
		return f, usagef("-watch %v is negative; give an interval such as 1s, or 0 to print once", f.watch)
	case f.watch > 0 && f.watch < minWatch:
		return f, usagef("-watch %v is shorter than %v: a census reads the whole socket table; give %v or more", f.watch, minWatch, minWatch)
	case f.format != "table" && f.format != "json":
		return f, usagef("unknown -format %q; use table or json", f.format)
	}
	e, err := netstat.ParseEngine(*engine)
	if err != nil {
		return f, usagef("-engine: %v", err)
	}
	f.opts = netstat.Options{Engine: e, SkipOwners: true} // the counts need no owners
	f.sel = netstat.Selector{Port: uint16(*port), Pid: int32(*pid)}
	return f, nil
}

// minWatch is the shortest -watch period.
const minWatch = 10 * time.Millisecond

func censusOnce(ctx context.Context, sel netstat.Selector, opts netstat.Options, format string, stdout io.Writer) error {
	snap, err := netstat.TakeWith(ctx, sel, opts)
	if err != nil {
		return err
	}
	c := snap.Counts()
	if format == "json" {
		err = c.WriteJSON(stdout)
	} else {
		io.WriteString(stdout, "census of "+sel.String()+"\n")
		err = c.WriteTable(stdout)
	}
	return err
}

func censusWatch(ctx context.Context, sel netstat.Selector, opts netstat.Options, every time.Duration, format string, stdout io.Writer) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		snap, err := netstat.TakeWith(ctx, sel, opts)
		if ctx.Err() != nil {
			return nil // Ctrl-C: stop between lines
		}
		if err != nil {
			return err
		}
		if err := writeCensusLine(stdout, snap.Counts(), format); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func writeCensusLine(w io.Writer, c netstat.Counts, format string) error {
	if format == "json" {
		return c.WriteJSON(w)
	}
	_, err := io.WriteString(w, c.Taken.Format("15:04:05")+" "+c.Line()+"\n")
	return err
}
