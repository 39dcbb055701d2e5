package main

import (
	"context"
	"io"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

func init() {
	register(command{name: "census", summary: "count TCP sockets by side and state for a port or process", run: runCensus})
}

func runCensus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("census", "-port 8080 [-pid N] [-watch 1s] [-format table|json]", stderr)
	port := fs.Int("port", 0, "select both ends of connections to this `port` (server side: local port, client side: remote port); counts TIME_WAIT")
	pid := fs.Int("pid", 0, "select the sockets of this process `id` (with -port, plus that port's ownerless TIME_WAIT sockets)")
	watch := fs.Duration("watch", 0, "print one line every `interval` until Ctrl-C (0: print once)")
	format := fs.String("format", "table", "output `format`: table or json")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if *port < 0 || *port > 65535 {
		return usageErr(stderr, "census", "-port %d is out of range; give a TCP port between 1 and 65535", *port)
	}
	if *pid < 0 {
		return usageErr(stderr, "census", "-pid %d is negative; give a process id from ps", *pid)
	}
	if *port == 0 && *pid == 0 {
		return usageErr(stderr, "census", "nothing selected; give -port (e.g. -port 8080) and/or -pid")
	}
	if *watch < 0 {
		return usageErr(stderr, "census", "-watch %v is negative; give an interval such as 1s, or 0 to print once", *watch)
	}
	if *format != "table" && *format != "json" {
		return usageErr(stderr, "census", "unknown -format %q; use table or json", *format)
	}
	sel := netstat.Selector{Port: uint16(*port), Pid: int32(*pid)}
	if *watch == 0 {
		return censusOnce(ctx, sel, *format, stdout, stderr)
	}
	return censusWatch(ctx, sel, *watch, *format, stdout, stderr)
}

func censusOnce(ctx context.Context, sel netstat.Selector, format string, stdout, stderr io.Writer) int {
	snap, err := netstat.Take(ctx, sel)
	if err != nil {
		return failure(stderr, "census", err)
	}
	c := snap.Counts()
	if format == "json" {
		err = c.WriteJSON(stdout)
	} else {
		io.WriteString(stdout, "census of "+sel.String()+"\n")
		err = c.WriteTable(stdout)
	}
	if err != nil {
		return failure(stderr, "census", err)
	}
	return exitOK
}

func censusWatch(ctx context.Context, sel netstat.Selector, every time.Duration, format string, stdout, stderr io.Writer) int {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		snap, err := netstat.Take(ctx, sel)
		if ctx.Err() != nil {
			return exitOK // Ctrl-C: stop between lines
		}
		if err != nil {
			return failure(stderr, "census", err)
		}
		if err := writeCensusLine(stdout, snap.Counts(), format); err != nil {
			return failure(stderr, "census", err)
		}
		select {
		case <-ctx.Done():
			return exitOK
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
