package main

import (
	"bytes"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputExit2 gives every command input that makes no sense: each
// run exits 2 with a message that names the value and the fix, and starts
// nothing (stdout stays empty). Cases already in TestUsageErrorsExit2,
// TestConnsUsageErrorsExit2 and TestReportErrors are not repeated.
func TestBadInputExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		// census
		{[]string{"census", "-port", "-1"}, "-port -1 is out of range"},
		{[]string{"census", "-pid", "-5"}, "-pid -5 is out of range"},
		{[]string{"census", "-pid", "4294967296"}, "-pid 4294967296 is out of range"},
		{[]string{"census", "-port", "http://127.0.0.1:80/"}, `invalid value "http://127.0.0.1:80/" for flag -port`},
		{[]string{"census", "-port", "80", "-watch", "1ns"}, "-watch 1ns is shorter than 10ms"},
		{[]string{"census", "-port", "80", "-watch", "1"}, `invalid value "1" for flag -watch: parse error`},
		// server
		{[]string{"server", "-delay", "20"}, `invalid value "20" for flag -delay: parse error`},
		{[]string{"server", "-report-every", "-1s"}, "-report-every -1s: is negative"},
		{[]string{"server", "-idle-timeout", "-1ms"}, "-idle-timeout -1ms: is negative"},
		{[]string{"server", "-shutdown-grace", "-1s"}, "-shutdown-grace -1s: is negative"},
		{[]string{"server", "-addr", "127.0.0.1:0", "extra"}, `unexpected argument "extra"`},
		// client
		{[]string{"client", "-mode", "both"}, `-mode "both": give -mode faulty or -mode fixed`},
		{[]string{"client", "-mode", "fixed", "-target", "127.0.0.1:8080"}, "give http://127.0.0.1:8080/"},
		{[]string{"client", "-mode", "fixed", "-target", "localhost:8080"}, "give http://localhost:8080/"},
		{[]string{"client", "-mode", "fixed", "-target", "https://127.0.0.1/"}, "https is not supported"},
		{[]string{"client", "-mode", "fixed", "-target", "http://127.0.0.1:abc/"}, `invalid port ":abc" after host`},
		{[]string{"client", "-mode", "fixed", "-target", "http://127.0.0.1:0/"}, `port "0" is out of range`},
		{[]string{"client", "-mode", "fixed", "-target", "http://localhost.example.com/"}, `"http://localhost.example.com/": not a loopback address`},
		{[]string{"client", "-mode", "fixed", "-target", "http://[::ffff:10.0.0.1]:80/"}, "not a loopback address"},
		{[]string{"client", "-mode", "fixed", "-interval", "-1s"}, "-interval -1s: must be positive"},
		{[]string{"client", "-mode", "fixed", "-interval", "10µs"}, "-interval 10µs: is shorter than 1ms"},
		{[]string{"client", "-mode", "fixed", "-interval", "1"}, `invalid value "1" for flag -interval`},
		{[]string{"client", "-mode", "fixed", "-duration", "-1s"}, "-duration -1s: is negative"},
		{[]string{"client", "-mode", "fixed", "-extra", "-1"}, "-extra -1: must be 0 or more"},
		{[]string{"client", "-mode", "fixed", "-max-sockets", "-1"}, "-max-sockets -1: is negative"},
		{[]string{"client", "-mode", "fixed", "-drain-timeout", "-1s"}, "-drain-timeout -1s: is negative"},
		{[]string{"client", "-mode", "fixed", "-timeout", "-1s"}, "-timeout -1s: is negative"},
		{[]string{"client", "-mode", "fixed", "-idle-conn-timeout", "-1s"}, "-idle-conn-timeout -1s: is negative"},
		{[]string{"client", "-mode", "fixed", "-max-errors", "-2"}, "-max-errors -2: give the errors allowed"},
		// compare
		{[]string{"compare", "-delay", "-1s"}, "-delay -1s: is negative"},
		{[]string{"compare", "-delay", "2h"}, "-delay 2h0m0s: is longer than 1h0m0s"},
		{[]string{"compare", "-interval", "0"}, "-interval 0s: must be positive"},
		{[]string{"compare", "-interval", "100µs"}, "-interval 100µs: is shorter than 1ms"},
		{[]string{"compare", "-duration", "0"}, "-duration 0s: must be positive"},
		{[]string{"compare", "-extra", "-1"}, "-extra -1: must be 0 or more"},
		{[]string{"compare", "-max-sockets", "0"}, "-max-sockets 0: must be positive"},
		{[]string{"compare", "-sample-every", "-1s"}, "-sample-every -1s: is negative"},
		{[]string{"compare", "-scenario", ""}, `-scenario "": unknown scenario; give one of new-client-per-request`},
		{[]string{"compare", "extra"}, `unexpected argument "extra"`},
		// report
		{[]string{"report", "-html"}, "flag needs an argument: -html"},
		// conns
		{[]string{"conns", "-target", "127.0.0.1:70000"}, `-target "127.0.0.1:70000": port "70000": want a TCP port`},
		{[]string{"conns", "-target", "127.0.0.1:0"}, `-target "127.0.0.1:0": port "0"`},
		{[]string{"conns", "-target", "http://127.0.0.1:8080/"}, "give host:port"},
		{[]string{"conns", "-target", "example.com:80"}, `-target "example.com:80": host "example.com" is not an IP address`},
		{[]string{"conns", "-interval", "0"}, "interval 0s"},
		{[]string{"conns", "-timeout", "-1s"}, "timeout -1s"},
		{[]string{"conns", "-delay", "-1ms"}, "delay -1ms"},
		{[]string{"conns", "-max-duration", "-1s"}, "max-duration -1s"},
		{[]string{"conns", "-rate", "0/s"}, `rate "0/s"`},
		{[]string{"conns", "-rate", "10/fortnight"}, `unknown unit "fortnight"`},
		{[]string{"conns", "-dial-concurrency", "0"}, "-dial-concurrency 0: want at least 1"},
		{[]string{"conns", "-auto", "-fail-after", "0"}, "fail-after 0"},
		{[]string{"conns", "-source", "127.0.0.1", "-target", "[::1]:80"}, "not the same IP version"},
		{[]string{"conns", "-connections", "5", "-delay", "1h"}, "more than -max-duration"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, 5*time.Second, tc.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Empty(t, stdout, "nothing started")
		})
	}
}

// commandNames lists the commands of the table, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		names = append(names, c.name)
	}
	sort.Strings(names)
	return names
}

// TestEveryCommandRefusesUnknownFlags checks that every registered
// command, new ones included, refuses an unknown flag with exit 2 and its
// usage, and prints its flags with -h.
func TestEveryCommandRefusesUnknownFlags(t *testing.T) {
	names := commandNames()
	require.Subset(t, names, []string{"census", "client", "compare", "conns", "report", "server"})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, 5*time.Second, name, "-no-such-flag")
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, "flag provided but not defined: -no-such-flag")
			assert.Contains(t, stderr, "Usage: leaklab "+name, "the usage follows the error")
			assert.Empty(t, stdout)

			code, _, stderr = runCLI(t, 5*time.Second, name, "-h")
			assert.Equal(t, exitOK, code)
			assert.Contains(t, stderr, "Usage: leaklab "+name)
		})
	}
}

// TestAllowRemoteIsCheckedWithoutTraffic checks -allow-remote on the
// validation paths only: without it a remote target is refused with the
// reason, with it the target is accepted. No test sends anything to a
// remote address: client stops at -dry-run, conns at parseConns.
func TestAllowRemoteIsCheckedWithoutTraffic(t *testing.T) {
	const remote = "http://192.0.2.1:8080/" // TEST-NET-1: never dialled here
	code, _, stderr := runCLI(t, 5*time.Second, "client", "-mode", "faulty", "-dry-run", "-target", remote)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not a loopback address (127.0.0.0/8, ::1, localhost); give one, or allow remote targets with -allow-remote")

	code, stdout, stderr := runCLI(t, 5*time.Second, "client", "-mode", "faulty", "-dry-run", "-allow-remote", "-target", remote)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "dry run: faulty client -> "+remote)
	assert.Contains(t, stdout, "nothing sent")

	var errOut bytes.Buffer
	_, err := parseConns([]string{"-target", "192.0.2.1:8080"}, &errOut)
	assert.Equal(t, exitUsage, exitCode(&errOut, "conns", err))
	assert.Contains(t, errOut.String(), "not a loopback address")

	errOut.Reset()
	f, err := parseConns([]string{"-target", "192.0.2.1:8080", "-allow-remote", "-source", "192.0.2.7"}, &errOut)
	assert.NoError(t, err, errOut.String())
	assert.True(t, f.cfg.AllowRemote)
}

// TestDryRunStartsNothing checks -dry-run prints the plan and exits 0
// with nothing listening at the target.
func TestDryRunStartsNothing(t *testing.T) {
	code, stdout, stderr := runCLI(t, 5*time.Second, "client", "-mode", "fixed", "-dry-run", "-target", "http://127.0.0.1:1/", "-duration", "5s", "-interval", "100ms")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "dry run: fixed client -> http://127.0.0.1:1/: one request every 100ms plus 0..2 more, for 5s; nothing sent\n", stdout)

	code, stdout, stderr = runCLI(t, 5*time.Second, "compare", "-dry-run", "-delay", "200ms", "-interval", "10ms", "-duration", "5s")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "dry run: new-client-per-request, faulty and fixed side by side")
	assert.Contains(t, stdout, "expected in flight λ·W = 40.0; nothing started")
	assert.Empty(t, stderr, "no progress: nothing runs")
}
