package experiments

import (
	"math"

	"github.com/leaklab/leaklab/netstat"
)

// judge turns a variant's run into its result and verdict.
func judge(sc Scenario, c Config, r *variantRun, settled netstat.Counts) VariantResult {
	b := NewBound(c, sc.IdleBound)
	v := VariantResult{
		Scenario: sc.Name, Variant: r.name,
		Requests: r.result.Requests, OK: r.result.OK, Errors: r.result.Errors,
		ErrorsByCause: r.result.ErrorsByCause, Dials: r.result.Dials, Reused: r.result.Reused,
		SettledEstablished: settled.Client[netstat.Established],
		TimeWait:           settled.Client[netstat.TimeWait],
		CloseWait:          settled.Client[netstat.CloseWait] + settled.Server[netstat.CloseWait],
		ServerEstablished:  settled.Server[netstat.Established],
		Bound:              math.Round(b.Expected), BoundDetail: b,
		Capped: r.result.Capped, CapMessage: r.result.CapMessage,
		Series: r.series,
	}
	for _, s := range r.series {
		if n := s.Client[netstat.Established]; n > v.PeakEstablished {
			v.PeakEstablished, v.PeakAt = n, s.T
		}
	}
	v.PeakEstablished = max(v.PeakEstablished, v.SettledEstablished)
	sc.Judge(c, &v)
	return v
}
