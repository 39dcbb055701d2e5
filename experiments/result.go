package experiments

import (
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// Sample is one census of a variant's port during the run, with the
// client's counters at that moment.
type Sample struct {
	// T is the time since the start of the run, in seconds.
	T float64 `json:"t"`
	// Client counts the client side sockets by TCP state.
	Client netstat.StateCounts `json:"client"`
	// Server counts the server side sockets by TCP state.
	Server netstat.StateCounts `json:"server"`
	// Sent and InFlight are the client's requests so far and in flight.
	Sent     int64 `json:"sent"`
	InFlight int64 `json:"in_flight"`
}

// VariantResult is what one variant did in a comparison.
type VariantResult struct {
	Scenario      string           `json:"scenario"`
	Variant       string           `json:"variant"`
	Requests      int64            `json:"requests"`
	OK            int64            `json:"ok"`
	Errors        int64            `json:"errors"`
	ErrorsByCause map[string]int64 `json:"errors_by_cause,omitempty"`
	// Dials counts new connections; Reused, requests over pooled ones.
	Dials  int64 `json:"dials"`
	Reused int64 `json:"reused"`
	// PeakEstablished is the most client side ESTABLISHED sockets in any
	// sample, at PeakAt seconds.
	PeakEstablished int     `json:"peak_established"`
	PeakAt          float64 `json:"peak_at"`
	// SettledEstablished counts client side ESTABLISHED sockets once the
	// load has stopped and the requests in flight have finished.
	SettledEstablished int `json:"settled_established"`
	// TimeWait and CloseWait count client side sockets in those states
	// when settled; ServerEstablished, the server side ESTABLISHED ones.
	TimeWait          int `json:"time_wait"`
	CloseWait         int `json:"close_wait"`
	ServerEstablished int `json:"server_established"`
	// Bound is the expected socket count of a correct client (λ·W + idle);
	// BoundDetail has its parts and the worst case.
	Bound       float64 `json:"bound"`
	BoundDetail Bound   `json:"bound_detail"`
	Verdict     string  `json:"verdict"`
	Meaning     string  `json:"meaning"`
	Capped      bool    `json:"capped"`
	CapMessage  string  `json:"cap_message,omitempty"`
	// Series is the census of the variant's port, one sample per period.
	Series []Sample `json:"series"`
}

// Report is a whole comparison.
type Report struct {
	Config   Config          `json:"config"`
	Started  time.Time       `json:"started"`
	Elapsed  float64         `json:"elapsed_seconds"`
	Variants []VariantResult `json:"variants"`
	// Interrupted is true when Ctrl-C stopped the load early.
	Interrupted bool `json:"interrupted"`
}
