package vetutil

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDoc(t *testing.T) {
	src := "// Package x does x.\n//\n// # Analyzer x\n//\n// x: report x\n//\n// More.\npackage x\n"
	assert.Equal(t, "report x\n\nMore.", Doc(src, "x"))
	assert.Panics(t, func() { Doc(src, "y") })
}

func TestParseAllow(t *testing.T) {
	for _, tc := range []struct {
		text, reason string
		ok           bool
	}{
		{"//leaklab:allow x a reason", "a reason", true},
		{"//leaklab:allow x   spaced  ", "spaced", true},
		{"//leaklab:allow x", "", false},
		{"//leaklab:allow y a reason", "", false},
		{"// leaklab:allow x a reason", "", false},
		{"//leaklab:allowx a reason", "", false},
	} {
		reason, ok := parseAllow(tc.text, "x")
		assert.Equal(t, tc.ok, ok, tc.text)
		assert.Equal(t, tc.reason, reason, tc.text)
	}
}
