package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/leaklab/leaklab/fielderr"
)

// Exit codes. A run stopped by a signal exits 128 plus the signal's
// number (130 for Ctrl-C), after its summary.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errReported is a runtime failure the command has already explained on
// its output (a leak verdict, a FAIL line): exit 1 with nothing more said.
var errReported = errors.New("failure already reported")

// usageError is a command line the command refuses: exit 2.
type usageError struct {
	msg      string
	reported bool // the flag package already printed it with the usage
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error (exit 2); main prints it as
// "leaklab <command>: <message>".
func usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// flagError returns err, a package's refusal of a config, as a usage
// error in the command's words: a *fielderr.Error names its fields, the
// one refused and the ones its fix mentions, by the flags of fs that set
// them (see flagNames).
func flagError(fs *flag.FlagSet, err error) error {
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return usagef("%s", fe.Rename(flagNames(fs)))
	}
	return usagef("%v", err)
}

// fieldOfFlag names the config fields whose flag is not the field's name
// in kebab case.
var fieldOfFlag = map[string]string{"source": "Sources", "rst": "Reset", "pprof": "PprofURL"}

// flagNames maps the Go name of each config field to the flag of fs that
// sets it: -max-header-bytes sets MaxHeaderBytes.
func flagNames(fs *flag.FlagSet) map[string]string {
	names := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		field, ok := fieldOfFlag[f.Name]
		if !ok {
			field = camel(f.Name)
		}
		names[field] = "-" + f.Name
	})
	return names
}

// camel is "max-header-bytes" as "MaxHeaderBytes".
func camel(kebab string) string {
	var b strings.Builder
	for _, w := range strings.Split(kebab, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// parseFlags parses the flags and rejects stray arguments. It returns nil
// when the command should go on, flag.ErrHelp after -h (exit 0), or a
// usage error (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseOnly(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; flags go before arguments, see -h", fs.Arg(0))
	}
	return nil
}

// parseOnly is parseFlags without the check for stray arguments, for a
// command that takes some.
func parseOnly(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return err
	}
	// The flag package printed the error and the usage already.
	return &usageError{msg: err.Error(), reported: true}
}

// exitCode maps what a command returned to its exit code, and prints the
// error unless the command or the flag package already did.
func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		if !ue.reported {
			fmt.Fprintf(stderr, "leaklab %s: %s\n", name, ue.msg)
		}
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailure
	}
	fmt.Fprintf(stderr, "leaklab %s: %v\n", name, err)
	return exitFailure
}
