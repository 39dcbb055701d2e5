package capacity

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/olekukonko/tablewriter"
)

// hints extends neterr.Hints with the causes only this package names.
var hints = map[string]string{
	causeProtocol:       "the server answered something that is not the expected HTTP answer: is it an HTTP server? -mode tcp works with any TCP server",
	"http":              "the server answered with an error status: check -path and the server's log",
	causeConnectTimeout: "the handshake did not complete: the server's accept queue is full (it does not accept: at its open-files limit or too busy; see Recv-Q in ss -ltn) or SYNs are dropped; look at the server, or raise -timeout",
}

// Hint says what to do about a cause of errors, or "".
func Hint(cause string) string {
	if h, ok := neterr.Hints[cause]; ok {
		return h
	}
	if strings.HasPrefix(cause, "http ") {
		return hints["http"]
	}
	return hints[cause]
}

// WriteTable writes the summary for people: one table of measures, one
// of errors by cause, and a hint for each cause.
func (r Result) WriteTable(w io.Writer) error {
	t := tablewriter.NewTable(w)
	t.Header("measure", "value")
	for _, row := range r.rows() {
		if err := t.Append(row[0], row[1]); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	return r.writeErrors(w)
}

func (r Result) rows() [][2]string {
	run := fmt.Sprintf("%s to %s", r.Mode, r.Target)
	if len(r.Sources) > 0 {
		run += " from " + FormatSources(r.Sources)
	}
	if r.Workers > 1 {
		run += fmt.Sprintf(" in %d processes", r.Workers)
	}
	return [][2]string{
		{"run", run},
		{"stopped", r.StopReason},
		{"at the end", r.Final.Line()},
		{"peak established", r.peakText()},
		{"connect time", r.ConnectTime.String()},
		{"connection rate", fmt.Sprintf("%.0f/s until the peak", r.Rate)},
		{"attempts", fmt.Sprintf("dials %d, established %d, closed by peer %d, errors %d", r.Dials, r.Established, r.ClosedByPeer, r.Errors)},
		{"tester memory", r.Memory.String()},
	}
}

func (r Result) peakText() string {
	switch {
	case r.Connections == 0:
		return fmt.Sprint(r.Peak)
	case r.Reached:
		return fmt.Sprintf("%d of %d, reached after %v", r.Peak, r.Connections, r.ReachedAfter.Round(1e6))
	}
	return fmt.Sprintf("%d of %d, not reached", r.Peak, r.Connections)
}

// String is "4.1 KB per connection (RSS +61.2 MB for 15000)". The
// process's own growth (runtime, buffers) drowns the figure below a
// thousand connections, and the string says so.
func (m Memory) String() string {
	if m.Conns == 0 {
		return "no connection open to measure"
	}
	s := fmt.Sprintf("%.1f KB per connection (RSS +%.1f MB for %d)", float64(m.PerConnBytes)/1024, float64(m.RSSGrowthBytes)/(1<<20), m.Conns)
	if m.Conns < 1000 {
		s += "; too few connections for a per-connection figure"
	}
	return s
}

func (r Result) writeErrors(w io.Writer) error {
	if len(r.ErrorsByCause) == 0 {
		_, err := fmt.Fprintln(w, "errors: none")
		return err
	}
	causes := slices.SortedFunc(maps.Keys(r.ErrorsByCause), func(a, b string) int {
		return cmp.Or(cmp.Compare(r.ErrorsByCause[b], r.ErrorsByCause[a]), cmp.Compare(a, b))
	})
	t := tablewriter.NewTable(w)
	t.Header("error cause", "count", "first error")
	for _, c := range causes {
		if err := t.Append(c, fmt.Sprint(r.ErrorsByCause[c]), r.ErrorExamples[c]); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, c := range causes {
		if h := Hint(c); h != "" {
			if _, err := fmt.Fprintf(w, "hint, %s: %s\n", c, h); err != nil {
				return err
			}
		}
	}
	return nil
}
