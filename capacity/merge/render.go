package merge

import (
	"fmt"
	"io"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// MaxTimelineRows bounds the timeline table; a longer timeline shows
// every k-th sample and the last one. WriteJSON keeps them all.
const MaxTimelineRows = 40

// WriteTable writes a row per segment and one for the run, the run's
// summary (capacity.Result.WriteTable) and the status timeline.
func (r Run) WriteTable(w io.Writer) error {
	if err := r.writeSegments(w); err != nil {
		return err
	}
	if err := r.Total.WriteTable(w); err != nil {
		return err
	}
	return r.writeTimeline(w)
}

// WriteJSON writes the merged run as one capacity result (its Segment
// is 0/1), in the form capacity.Result.WriteJSON writes.
func (r Run) WriteJSON(w io.Writer) error { return r.Total.WriteJSON(w) }

func (r Run) writeSegments(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "run %s: %d segments\n", r.Total.RunID, len(r.Segments)); err != nil {
		return err
	}
	t := newTable(w)
	t.Header("SEGMENT", "HOST", "SOURCES", "CONNECTIONS", "PEAK", "REACHED AFTER", "RATE", "CONNECT P50", "CONNECT P99", "ERRORS", "TESTER MEMORY", "STOPPED")
	for _, p := range r.Segments {
		if err := t.Append(segmentRow(p.Segment.String(), p.Result)); err != nil {
			return err
		}
	}
	if err := t.Append(segmentRow("run", r.Total)); err != nil {
		return err
	}
	return t.Render()
}

func segmentRow(name string, r capacity.Result) []string {
	reached := "not reached"
	if r.Reached {
		reached = r.ReachedAfter.Round(time.Millisecond).String()
	}
	sources := "kernel's choice"
	if len(r.Sources) > 0 {
		sources = capacity.FormatSources(r.Sources)
	}
	mem := "-"
	if r.Memory.Conns > 0 {
		mem = fmt.Sprintf("%.1f KB/conn", float64(r.Memory.PerConnBytes)/1024)
	}
	return []string{
		name, r.Host, sources, fmt.Sprint(r.Connections), fmt.Sprint(r.Peak), reached, fmt.Sprintf("%.0f/s", r.Rate),
		us(r.ConnectTime.P50), us(r.ConnectTime.P99), fmt.Sprint(r.Errors), mem, r.StopReason,
	}
}

// newTable is a table whose headers are written as given: the automatic
// format would write "P 50" for p50.
func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
}

func us(d time.Duration) string { return d.Round(time.Microsecond).String() }

func (r Run) writeTimeline(w io.Writer) error {
	tl := r.Total.Timeline
	step := max(1, (len(tl)+MaxTimelineRows-1)/MaxTimelineRows)
	if _, err := fmt.Fprintf(w, "status timeline of the run, every %v from %s:\n", r.Total.Interval*time.Duration(step), r.Total.Start.UTC().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	t := newTable(w)
	t.Header("AT", "TOTAL", "DIALING", "ESTABLISHED", "CLOSED", "ERROR", "NOT INITIATED")
	for i, s := range tl {
		if i%step != 0 && i != len(tl)-1 {
			continue
		}
		c := s.Counts
		row := []string{s.At.Round(time.Millisecond).String(), fmt.Sprint(c.Total), fmt.Sprint(c.Dialing), fmt.Sprint(c.Established),
			fmt.Sprint(c.Closed), fmt.Sprint(c.Error), fmt.Sprint(c.NotInitiated)}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}
