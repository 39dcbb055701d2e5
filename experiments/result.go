package experiments

import (
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// Sample is one census of a variant's port during the run, with the
// client's counters at that moment.
type Sample struct {
	// T is the time since the start of the run, in seconds.
	T float64 `json:"t_seconds"`
	// Client counts the client side sockets by TCP state.
	Client netstat.StateCounts `json:"client"`
	// Server counts the server side sockets by TCP state.
	Server netstat.StateCounts `json:"server"`
	// Sent and InFlight are the client's requests so far and in flight;
	// OK and Errors, the ones answered and failed so far.
	Sent     int64 `json:"sent"`
	OK       int64 `json:"ok"`
	Errors   int64 `json:"errors"`
	InFlight int64 `json:"in_flight"`
}

// VariantResult is what one variant did in a comparison.
type VariantResult struct {
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	// Port is the port of the variant's server; a census selects by it.
	Port          uint16           `json:"port"`
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
	PeakAt          float64 `json:"peak_at_seconds"`
	// SettledEstablished counts client side ESTABLISHED sockets once the
	// load has stopped and the requests in flight have finished.
	SettledEstablished int `json:"settled_established"`
	// TimeWait and CloseWait count client side sockets in those states
	// when settled; ServerEstablished, the server side ESTABLISHED ones.
	// Sockets already on the port before the run are left out.
	TimeWait          int `json:"time_wait"`
	CloseWait         int `json:"close_wait"`
	ServerEstablished int `json:"server_established"`
	// PeakServerEstablished is the most server side ESTABLISHED sockets
	// in any sample.
	PeakServerEstablished int `json:"peak_server_established"`
	// PeakInFlight is the most requests in flight in any sample, from the
	// client's own counter.
	PeakInFlight int64 `json:"peak_in_flight"`
	// Cancelled counts the requests still in flight when the load's drain
	// timeout cancelled them.
	Cancelled int64 `json:"cancelled"`
	// DialsPerRequest is Dials / Requests: 1 when nothing is reused.
	DialsPerRequest float64 `json:"dials_per_request"`
	// SendingTimeWait counts client side TIME_WAIT sockets in the last
	// sample taken while the load was still sending.
	SendingTimeWait int `json:"sending_time_wait"`
	// Churned counts connections dialled and closed while the load was
	// sending, the closes of its end left out: the larger of Dials minus
	// PeakEstablished (connections that were never open together: the
	// program's dials against the kernel's count) and SendingTimeWait (the
	// kernel's trace of each connection the client closed first). Dials
	// come from httptrace and miss a dial whose request took another
	// connection first.
	Churned int64 `json:"churned"`
	// Goroutines counts, when settled, the live goroutines the client's
	// requests started (they carry the run's pprof label), such as each
	// connection's persistConn read and write loops; -1 when unknown.
	Goroutines int `json:"goroutines"`
	// Bound is the expected socket count of a correct client (λ·W + idle);
	// BoundDetail has its parts and the worst case.
	Bound       float64 `json:"bound"`
	BoundDetail Bound   `json:"bound_detail"`
	Verdict     string  `json:"verdict"`
	// Interrupted is true when Ctrl-C stopped the load early.
	Interrupted bool   `json:"interrupted"`
	Meaning     string `json:"meaning"`
	Capped      bool   `json:"capped"`
	CapMessage  string `json:"cap_message,omitempty"`
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
