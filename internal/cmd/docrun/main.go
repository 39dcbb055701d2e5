package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"time"

	"github.com/leaklab/leaklab/internal/docrun"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("docrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "compare each block with a fresh run instead of rewriting it")
	quick := fs.Bool("quick", false, "run each marker's quick form (the default with -check)")
	full := fs.Bool("full", false, "with -check: run the full forms")
	bin := fs.String("bin", "bin", "directory holding the leaklab binary")
	match := fs.String("run", "", "only the markers whose script matches this regular expression")
	skip := fs.String("skip", "", "not the markers whose script matches this regular expression")
	timeout := fs.Duration("timeout", 5*time.Minute, "longest run of one block when its marker names none")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opt := docrun.Options{Check: *check, Write: !*check, Quick: *quick || *check && !*full, Timeout: *timeout, Log: stdout}
	if *match != "" {
		re, err := regexp.Compile(*match)
		if err != nil {
			fmt.Fprintf(stderr, "docrun: -run: %v\n", err)
			return 2
		}
		opt.Match = re
	}
	if *skip != "" {
		re, err := regexp.Compile(*skip)
		if err != nil {
			fmt.Fprintf(stderr, "docrun: -skip: %v\n", err)
			return 2
		}
		opt.Skip = re
	}
	abs, err := filepath.Abs(*bin)
	if err == nil {
		_, err = os.Stat(filepath.Join(abs, "leaklab"))
	}
	if err != nil {
		fmt.Fprintf(stderr, "docrun: -bin %s: %v (run make build first)\n", *bin, err)
		return 2
	}
	opt.Bin = abs
	opt.Root, _ = os.Getwd()
	opt.ModuleDir = filepath.Join(opt.Root, "internal", "docrun", "testdata")
	files := fs.Args()
	if len(files) == 0 {
		docs, _ := filepath.Glob("docs/*.md")
		files = append([]string{"README.md"}, docs...)
	}
	start := time.Now()
	blocks, failed := 0, 0
	for _, f := range files {
		n, bad, err := process(ctx, f, opt)
		if err != nil {
			fmt.Fprintf(stderr, "docrun: %v\n", err)
			return 1
		}
		blocks, failed = blocks+n, failed+bad
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "docrun: interrupted")
			return 130
		}
	}
	verb := "rewrote"
	if opt.Check {
		verb = "checked"
	}
	fmt.Fprintf(stdout, "docrun: %s %d blocks of %d files in %s, %d failed\n", verb, blocks, len(files), time.Since(start).Round(time.Second), failed)
	if failed > 0 {
		return 1
	}
	return 0
}

func process(ctx context.Context, path string, opt docrun.Options) (blocks, failed int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	text, results, err := docrun.Process(ctx, path, string(b), opt)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range results {
		if r.Skipped {
			continue
		}
		blocks++
		if r.Failed() {
			failed++
		}
	}
	if opt.Write && text != string(b) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return blocks, failed, err
		}
	}
	return blocks, failed, nil
}
