package doctor

import (
	"encoding/json"
	"time"

	"github.com/leaklab/leaklab/internal/seconds"
)

// Report is what a watch saw and what it concludes; in JSON, durations
// are float seconds under _seconds names.
type Report struct {
	// Target is what was watched, e.g. "pid 4242" or "port 8080".
	Target string `json:"target"`
	// Config is the watch's configuration, defaults filled in.
	Config Config `json:"config"`
	// Ended says why the watch stopped: EndDuration, EndSamples,
	// EndInterrupted or EndExited.
	Ended string `json:"ended"`
	// Elapsed is how long the watch ran.
	Elapsed time.Duration `json:"-"`
	// Samples is the number of samples taken.
	Samples int `json:"samples"`
	// Times are the sample times, seconds since the start.
	Times []float64 `json:"times_seconds"`
	// TooFew is set when there were too few samples for a verdict, and
	// says how long to watch.
	TooFew string `json:"too_few,omitempty"`
	// Groups are the sockets by side, peer and state, the leaking ones
	// first, then by count.
	Groups []Group `json:"groups"`
	// Leaking is true when a group leaks: ESTABLISHED or CLOSE_WAIT
	// growing, or connections stuck.
	Leaking bool `json:"leaking"`
	// Churning is true when a group churns (TIME_WAIT at ChurnRate or
	// more); it is not a leak.
	Churning bool `json:"churning"`
	// Goroutines is the goroutine evidence; nil without a pprof URL.
	Goroutines *GoroutineReport `json:"goroutines,omitempty"`
	// Notes are facts about the watch itself: the process exited, a
	// profile could not be read.
	Notes []string `json:"notes,omitempty"`
}

// MarshalJSON writes the report with Elapsed as elapsed_seconds.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		plain
		Elapsed float64 `json:"elapsed_seconds"`
	}{plain(r), seconds.Of(r.Elapsed)})
}

// Group is the history and verdict of one group of sockets.
type Group struct {
	Key
	// Counts is the number of sockets at each sample.
	Counts []int `json:"counts"`
	// Now is the count at the last sample; Peak the largest.
	Now  int `json:"now"`
	Peak int `json:"peak"`
	// Fit is the robust line through Counts.
	Fit Fit `json:"fit"`
	// NewPerSecond is, for TIME_WAIT, the rate of sockets that entered
	// TIME_WAIT during the watch: closed connections per second.
	NewPerSecond float64 `json:"new_per_s,omitempty"`
	// Verdict is what the group's signature means.
	Verdict Verdict `json:"verdict"`
	// churnShare is the share of intervals in which new TIME_WAIT
	// sockets appeared.
	churnShare float64
}

// Verdict kinds.
const (
	KindLeak       = "leak"        // client ESTABLISHED growing
	KindCloseWait  = "close-wait"  // CLOSE_WAIT growing
	KindServerHeld = "server-held" // server-side ESTABLISHED growing
	KindStuckDial  = "stuck-dial"  // SYN_SENT held
	KindChurn      = "churn"       // TIME_WAIT at ChurnRate or more
	KindSteady     = "steady"      // none of the above
	KindTooFew     = "too-few"     // not enough samples
)

// Verdict is the meaning of one group's signature.
type Verdict struct {
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Leaking is true for the kinds that hold more and more sockets.
	Leaking bool `json:"leaking"`
	// Cause is the likely cause in words; empty when steady.
	Cause string `json:"cause,omitempty"`
	// Lessons are the docs that explain the cause, e.g.
	// "docs/01-new-client-per-request.md".
	Lessons []string `json:"lessons,omitempty"`
	// Confidence is how sure the verdict is, from 0 to 1: for a growing
	// group, one minus the Mann–Kendall p-value of its trend; for churn,
	// the share of intervals in which new TIME_WAIT sockets appeared; for
	// SYN_SENT, that or the trend's, the larger; 0 when steady.
	Confidence float64 `json:"confidence"`
}
