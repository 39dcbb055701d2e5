package experiments

import (
	"math"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// judge turns a variant's run into its result and verdict, given its
// settled census and its goroutine count.
func judge(sc Scenario, c Config, r *variantRun, settled netstat.Counts, goroutines int) VariantResult {
	b := sc.Bound(c)
	v := VariantResult{
		Scenario: sc.Name, Variant: r.name, Port: r.srv.Port(),
		Requests: r.result.Requests, OK: r.result.OK, Errors: r.result.Errors,
		ErrorsByCause: r.result.ErrorsByCause, Dials: r.result.Dials, Reused: r.result.Reused,
		SettledEstablished: settled.Client[netstat.Established],
		TimeWait:           settled.Client[netstat.TimeWait],
		CloseWait:          settled.Client[netstat.CloseWait],
		ServerEstablished:  settled.Server[netstat.Established],
		Bound:              math.Round(b.Expected), BoundDetail: b,
		Capped: r.result.Capped, CapMessage: r.result.CapMessage,
		Cancelled: r.result.Cancelled, Goroutines: goroutines,
		Series: r.series,
	}
	v.addPeaks(r.series)
	if v.Requests > 0 {
		v.DialsPerRequest = float64(v.Dials) / float64(v.Requests)
	}
	v.SendingTimeWait = sendingTimeWait(r.series, c.Duration)
	v.Churned = max(v.Dials-int64(v.PeakEstablished), int64(v.SendingTimeWait), 0)
	sc.Judge(c, &v)
	return v
}

// addPeaks sets the peaks of the series, the settled counts included.
func (v *VariantResult) addPeaks(series []Sample) {
	for _, s := range series {
		if n := s.Client[netstat.Established]; n > v.PeakEstablished {
			v.PeakEstablished, v.PeakAt = n, s.T
		}
		v.PeakServerEstablished = max(v.PeakServerEstablished, s.Server[netstat.Established])
		v.PeakInFlight = max(v.PeakInFlight, s.InFlight)
	}
	v.PeakEstablished = max(v.PeakEstablished, v.SettledEstablished)
	v.PeakServerEstablished = max(v.PeakServerEstablished, v.ServerEstablished)
}

// sendingTimeWait is the client side TIME_WAIT count of the last sample
// taken before the load had sent for its whole duration (the series
// starts a little before the load, so such a sample was taken while
// sending).
func sendingTimeWait(series []Sample, d time.Duration) int {
	n := 0
	for _, s := range series {
		if s.T > d.Seconds() {
			break
		}
		n = s.Client[netstat.TimeWait]
	}
	return n
}
