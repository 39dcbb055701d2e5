// Command leaklab shows, measures and guards against HTTP connection leaks.
//
// Usage:
//
//	leaklab <command> [flags]
//
// Run "leaklab help" for the list of commands and "leaklab <command> -h"
// for the flags of one. Usage errors exit 2, runtime failures 1. The
// first Ctrl-C (SIGINT) or SIGTERM stops the command, which still prints
// its summary and exits 130 (SIGINT) or 143 (SIGTERM); a second one quits
// at once, without the summary, with the same code.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand. run returns nil on success, or an error
// that exitCode maps to the exit code: flag.ErrHelp 0, a usage error 2,
// errReported or any other error 1.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is every subcommand, in the order help lists them.
var commands = []command{
	{"census", "count TCP sockets by side and state for a port or process", runCensus},
	{"client", "run the faulty or the fixed client against a server, with live socket counts", runClient},
	{"compare", "run a faulty and a fixed client side by side and print what leaked", runCompare},
	{"conns", "open and hold many connections: how many a server holds, and what each costs", runConns},
	{"doctor", "watch any process's sockets and say which peer leaks, how fast, why, and which lesson explains it", runDoctor},
	{"report", "draw a run saved by compare -out: an HTML page with charts, CSV, or the table and chart", runReport},
	{"server", "run the slow keep-alive HTTP server that counts its own sockets", runServer},
	{"vet", "find the leak catalogue in source: go vet's output, exit 1 on a finding", runVet},
}

// lookup finds a subcommand by name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: the first SIGINT or SIGTERM cancels the
// context, the command still prints its final report, and the exit code
// is 128 plus the signal's number; a second one quits at once, without
// the report.
func run(args []string, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := onSignals(sigs, cancel, stderr, os.Exit)
	code := runContext(ctx, args, stdout, stderr)
	if sig := stop(); sig != nil {
		return exitCodeOf(sig)
	}
	return code
}

// onSignals watches sigs: the first signal cancels the run and says so on
// stderr; the second calls quit with 128 plus the signal's number, the
// code a shell reports for a process the signal killed. stop ends the
// watch and returns the first signal, or nil if none came.
func onSignals(sigs <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer, quit func(code int)) (stop func() os.Signal) {
	done, finished := make(chan struct{}), make(chan struct{})
	var first os.Signal
	go func() {
		defer close(finished)
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if n == 1 {
					first = sig
					fmt.Fprintf(stderr, "leaklab: %s: stopping; the summary follows (send it again to quit at once, without it)\n", signalName(sig))
					cancel()
					continue
				}
				fmt.Fprintf(stderr, "leaklab: second signal, %s: quitting at once\n", signalName(sig))
				quit(exitCodeOf(sig))
				return
			}
		}
	}()
	return func() os.Signal { close(done); <-finished; return first }
}

// signalName is "SIGINT (Ctrl-C)" or "SIGTERM".
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// exitCodeOf is 128 plus the signal's number: 130 for SIGINT, 143 for
// SIGTERM.
func exitCodeOf(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// runContext runs one command line and returns its exit code.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		usage(stdout)
		return exitOK
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "leaklab: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	return exitCode(stderr, c.name, c.run(ctx, args[1:], stdout, stderr))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "leaklab shows, measures and guards against HTTP connection leaks.")
	fmt.Fprintln(w, "\nUsage: leaklab <command> [flags]   (leaklab <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: leaklab %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
