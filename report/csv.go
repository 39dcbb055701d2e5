package report

import (
	"fmt"
	"io"

	"github.com/leaklab/leaklab/experiments"
)

// CSVHeader is the header of the series CSV (WriteCSV): the time since
// the start in seconds, variant and scenario, the client side then the
// server side sockets by TCP state, and the client's requests sent,
// answered, failed and in flight. (The summary CSV, one row per variant,
// is experiments.SummaryCSVHeader.)
func CSVHeader() []string {
	h := []string{"t_seconds", "variant", "scenario"}
	h = append(h, stateColumns("client")...)
	h = append(h, stateColumns("server")...)
	return append(h, "sent", "ok", "errors", "in_flight")
}

// WriteCSV writes the series CSV: one row per sample per variant, for
// every scenario of the run, under CSVHeader.
func WriteCSV(w io.Writer, s experiments.Suite) error {
	cw, err := newSeriesWriter(w, CSVHeader()...)
	if err != nil {
		return err
	}
	for _, rep := range s {
		for _, v := range rep.Variants {
			for _, smp := range v.Series {
				row := []any{smp.T, v.Variant, v.Scenario}
				row = append(row, stateCells(smp.Client)...)
				row = append(row, stateCells(smp.Server)...)
				row = append(row, smp.Sent, smp.OK, smp.Errors, smp.InFlight)
				if err := cw.Write(row...); err != nil {
					return err
				}
			}
		}
	}
	return cw.Flush()
}

// ReadCSV reads what WriteCSV wrote: one VariantResult per scenario and
// variant, in the order they first appear, with Scenario, Variant and
// Series set.
func ReadCSV(r io.Reader) ([]experiments.VariantResult, error) {
	t, err := readTable(r)
	if err != nil {
		return nil, err
	}
	if !t.Has("t_seconds") && t.Has("t") {
		t.Rename("t", "t_seconds") // written before the column said its unit
	}
	for _, col := range CSVHeader() {
		if !t.Has(col) {
			return nil, fmt.Errorf("no column %q: not a series CSV (see CSVHeader)", col)
		}
	}
	var out []experiments.VariantResult
	at := map[[2]string]int{}
	for i := range t.Rows {
		smp, scenario, variant, err := readSample(t, i)
		if err != nil {
			return nil, err
		}
		key := [2]string{scenario, variant}
		j, ok := at[key]
		if !ok {
			j = len(out)
			at[key] = j
			out = append(out, experiments.VariantResult{Scenario: scenario, Variant: variant})
		}
		out[j].Series = append(out[j].Series, smp)
	}
	return out, nil
}

func readSample(t table, i int) (s experiments.Sample, scenario, variant string, err error) {
	scenario, _ = t.String(i, "scenario")
	variant, _ = t.String(i, "variant")
	if s.T, err = t.Float(i, "t_seconds"); err != nil {
		return
	}
	if s.Client, err = t.StateCounts(i, "client"); err != nil {
		return
	}
	if s.Server, err = t.StateCounts(i, "server"); err != nil {
		return
	}
	for _, f := range []struct {
		col string
		dst *int64
	}{{"sent", &s.Sent}, {"ok", &s.OK}, {"errors", &s.Errors}, {"in_flight", &s.InFlight}} {
		if *f.dst, err = t.Int(i, f.col); err != nil {
			return
		}
	}
	return
}
