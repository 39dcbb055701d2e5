package capacity_test

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/leaklab/leaklab/internal/golden"
	"github.com/stretchr/testify/require"
)

// fixedResult is a run with fixed numbers: 100 of 120 connections held
// over two sources in two processes, with refusals and a 404.
func fixedResult() capacity.Result {
	h := &capacity.Histogram{}
	for i := 1; i <= 100; i++ {
		h.Record(time.Duration(i) * 10 * time.Microsecond)
	}
	return capacity.Result{
		Target: "127.0.0.1:8080", Mode: capacity.ModeHTTP, Connections: 120,
		Sources: []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")}, Workers: 2,
		Final: capacity.Counts{Total: 120, Established: 100, Error: 20},
		Peak:  100, Rate: 2000, Dials: 120, Established: 100, ClosedByPeer: 1, Errors: 20,
		ErrorsByCause: map[string]int64{"refused": 19, "http 404": 1},
		ErrorExamples: map[string]string{"refused": "dial tcp 127.0.0.1:8080: connect: connection refused", "http 404": "GET /ping: 404 Not Found"},
		ConnectTime:   h.Summary(), Histogram: h,
		Elapsed: 1500 * time.Millisecond, StopReason: "max-duration",
		Memory: capacity.Memory{RSSGrowthBytes: 4 << 20, Conns: 100, PerConnBytes: 41943},
	}
}

// TestRenderGolden renders a fixed result as conns prints it, table and
// JSON, and compares with testdata/ (go test -update rewrites it).
func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(capacity.Result, *bytes.Buffer) error
	}{
		{"result.table", func(r capacity.Result, b *bytes.Buffer) error { return r.WriteTable(b) }},
		{"result.json", func(r capacity.Result, b *bytes.Buffer) error { return r.WriteJSON(b) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(fixedResult(), &b))
			golden.Assert(t, tc.name, b.Bytes())
		})
	}
}
