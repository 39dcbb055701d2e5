package main

import (
	"fmt"
	"io"

	"github.com/leaklab/leaklab/capacity/merge"
)

// runConnsMerge is "leaklab conns merge FILE...": the segments of one
// run, each written by leaklab conns -format json or -out, as one run.
func runConnsMerge(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("conns merge", "[-format table|json] [-max-errors -1] FILE... (results of leaklab conns -segment i/N -format json or -out; - reads them from stdin)", stderr)
	format := fs.String("format", "table", "`format` of the merged run: table (a row per segment, the summary, the status timeline) or json")
	maxErrors := fs.Int("max-errors", -1, "exit 1 when the whole run had more errors than this (-1: any number)")
	if err := parseOnly(fs, args); err != nil {
		return err
	}
	switch {
	case *format != "table" && *format != "json":
		return usagef("unknown -format %q; use table or json", *format)
	case fs.NArg() == 0:
		return usagef("no results given; give the files leaklab conns -out wrote, or - to read them from stdin")
	case *maxErrors < -1:
		return usagef("-max-errors %d: give -1 for any number of errors, or 0 and up", *maxErrors)
	}
	parts, err := merge.ReadFiles(fs.Args(), stdin)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	run, err := merge.Merge(parts)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	write := run.WriteTable
	if *format == "json" {
		write = run.WriteJSON
	}
	if err := write(stdout); err != nil {
		return err
	}
	if err := run.Total.Check(*maxErrors); err != nil {
		return fmt.Errorf("merge: FAIL: %w", err)
	}
	return nil
}
