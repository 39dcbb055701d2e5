package netstat_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/golden"
	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/require"
)

// fixedCounts is a census with fixed numbers on both sides.
func fixedCounts() netstat.Counts {
	return netstat.Counts{
		Taken:  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Server: netstat.StateCounts{netstat.Established: 12, netstat.CloseWait: 3, netstat.TimeWait: 40},
		Client: netstat.StateCounts{netstat.Established: 12, netstat.FinWait2: 3},
		Listen: 1,
	}
}

// TestRenderGolden renders a fixed census as the census command prints
// it (table, json, and the one line of -watch) and compares with
// testdata/ (go test -update rewrites it).
func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(netstat.Counts, *bytes.Buffer) error
	}{
		{"counts.table", func(c netstat.Counts, b *bytes.Buffer) error { return c.WriteTable(b) }},
		{"counts.json", func(c netstat.Counts, b *bytes.Buffer) error { return c.WriteJSON(b) }},
		{"counts.line", func(c netstat.Counts, b *bytes.Buffer) error { _, err := b.WriteString(c.Line() + "\n"); return err }},
		{"empty.table", func(_ netstat.Counts, b *bytes.Buffer) error { return netstat.Counts{}.WriteTable(b) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(fixedCounts(), &b))
			golden.Assert(t, tc.name, b.Bytes())
		})
	}
}
