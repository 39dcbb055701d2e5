package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// durationFlag is one duration flag of one command.
type durationFlag struct{ cmd, name string }

// durationFlags are the duration flags that have a check-only path: the
// client and compare -dry-run, census and conns parsing. The server's are
// parsed by the flag package and checked for sign in runServer.
var durationFlags = []durationFlag{
	{"client", "interval"}, {"client", "duration"}, {"client", "drain-timeout"}, {"client", "timeout"}, {"client", "idle-conn-timeout"},
	{"compare", "delay"}, {"compare", "interval"}, {"compare", "duration"}, {"compare", "sample-every"},
	{"census", "watch"},
	{"conns", "delay"}, {"conns", "interval"}, {"conns", "timeout"}, {"conns", "hold"}, {"conns", "max-duration"}, {"conns", "ping"},
}

// checkDurationFlag parses and checks -name value for cmd without running
// anything, and returns the exit code: 0 when accepted.
func checkDurationFlag(fl durationFlag, value string, stderr *bytes.Buffer) int {
	arg := []string{"-" + fl.name, value}
	switch fl.cmd {
	case "census":
		_, err := parseCensus(append([]string{"-port", "1"}, arg...), stderr)
		return exitCode(stderr, fl.cmd, err)
	case "conns":
		_, err := parseConns(arg, stderr)
		return exitCode(stderr, fl.cmd, err)
	}
	args := append([]string{fl.cmd, "-dry-run"}, arg...)
	if fl.cmd == "client" {
		args = append(args, "-mode", "fixed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing may run
	return runContext(ctx, args, new(bytes.Buffer), stderr)
}

// FuzzDurationFlags gives any text to every duration flag: it is accepted
// as a duration of zero or more, or refused with exit 2 and a message that
// names the flag or the value; it never panics or starts anything.
func FuzzDurationFlags(f *testing.F) {
	for i := range durationFlags {
		for _, v := range []string{"1s", "0", "-1s", "20", "1h", "1µs", "1e9h", "9223372036854775807ns", "2562047h47m16.854775807s", "1.5m", "soon", ""} {
			f.Add(uint8(i), v)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		fl := durationFlags[int(which)%len(durationFlags)]
		var stderr bytes.Buffer
		code := checkDurationFlag(fl, value, &stderr)
		switch code {
		case exitOK:
			if d, err := time.ParseDuration(value); err != nil || d < 0 {
				t.Fatalf("%s -%s %q accepted; it is not a duration of zero or more", fl.cmd, fl.name, value)
			}
		case exitUsage:
			if !namesFlagOrValue(stderr.String(), fl.name, value) {
				t.Fatalf("%s -%s %q: the error names neither the flag nor the value:\n%s", fl.cmd, fl.name, value, stderr.String())
			}
		default:
			t.Fatalf("%s -%s %q: exit %d, want 0 or 2; stderr:\n%s", fl.cmd, fl.name, value, code, stderr.String())
		}
	})
}

// namesFlagOrValue reports whether msg names the flag (as -name or in
// words) or the value (as given or as a duration prints).
func namesFlagOrValue(msg, name, value string) bool {
	if strings.Contains(msg, name) || strings.Contains(msg, strings.ReplaceAll(name, "-", " ")) || strings.Contains(msg, value) {
		return true
	}
	d, err := time.ParseDuration(value)
	return err == nil && strings.Contains(msg, d.String())
}
