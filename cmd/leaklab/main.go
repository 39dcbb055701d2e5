// Command leaklab shows, measures and guards against HTTP connection leaks.
//
// Usage:
//
//	leaklab <command> [flags]
//
// Run "leaklab help" for the list of commands and "leaklab <command> -h"
// for the flags of one. Usage errors exit 2, runtime failures 1. The
// first Ctrl-C (SIGINT) or SIGTERM stops the command, which still prints
// its summary; a second one quits at once (exit 130 or 143).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand; each lives in its own file and registers
// itself from init.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: the first SIGINT or SIGTERM cancels the
// context, and the command still prints its final report; a second one
// quits at once, without it.
func run(args []string, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := onSignals(sigs, cancel, stderr, os.Exit)
	defer stop()
	return runContext(ctx, args, stdout, stderr)
}

// onSignals watches sigs: the first signal cancels the run and says so on
// stderr; the second calls quit with 128 plus the signal's number, the
// code a shell reports for a process the signal killed. stop ends the
// watch.
func onSignals(sigs <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer, quit func(code int)) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if n == 1 {
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
	return func() { close(done); <-finished }
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
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "leaklab: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "leaklab shows, measures and guards against HTTP connection leaks.")
	fmt.Fprintln(w, "\nUsage: leaklab <command> [flags]   (leaklab <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
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

// parse parses flags and rejects stray arguments. It returns -1 when the
// command should go on, or the exit code to return (0 after -h).
func parse(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "leaklab %s: unexpected argument %q; flags go before arguments, see -h\n", fs.Name(), fs.Arg(0))
		return exitUsage
	}
	return -1
}

// usageErr prints a usage error for the command and returns exit code 2.
func usageErr(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "leaklab %s: %s\n", cmd, fmt.Sprintf(format, a...))
	return exitUsage
}

// failure prints a runtime failure and returns exit code 1.
func failure(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "leaklab %s: %v\n", cmd, err)
	return exitFailure
}
