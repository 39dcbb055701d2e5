package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExitCode checks the one mapping from what a command returns to its
// exit code and what is printed.
func TestExitCode(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, exitOK, ""},
		{"help", flag.ErrHelp, exitOK, ""},
		{"usage", usagef("-x %d is negative", -1), exitUsage, "leaklab demo: -x -1 is negative\n"},
		{"usage wrapped", fmt.Errorf("checking: %w", usagef("bad")), exitUsage, "leaklab demo: bad\n"},
		{"usage the flag package printed", &usageError{msg: "flag provided but not defined: -y", reported: true}, exitUsage, ""},
		{"already reported", errReported, exitFailure, ""},
		{"runtime", errors.New("listen: address already in use"), exitFailure, "leaklab demo: listen: address already in use\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tc.code, exitCode(&stderr, "demo", tc.err))
			assert.Equal(t, tc.stderr, stderr.String())
		})
	}
}

// TestParseFlags checks -h, an unknown flag and a stray argument.
func TestParseFlags(t *testing.T) {
	var out bytes.Buffer
	fs := newFlagSet("demo", "[-n 1]", &out)
	fs.Int("n", 1, "a number")
	assert.ErrorIs(t, parseFlags(fs, []string{"-h"}), flag.ErrHelp)

	err := parseFlags(fs, []string{"-bogus"})
	var ue *usageError
	assert.ErrorAs(t, err, &ue)
	assert.True(t, ue.reported, "the flag package printed it")
	assert.Contains(t, out.String(), "flag provided but not defined: -bogus")

	err = parseFlags(fs, []string{"-n", "2", "extra"})
	assert.ErrorAs(t, err, &ue)
	assert.Equal(t, `unexpected argument "extra"; flags go before arguments, see -h`, ue.msg)
	assert.NoError(t, parseFlags(fs, []string{"-n", "3"}))
}
