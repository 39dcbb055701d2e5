package capacity

import "fmt"

// State is where one connection slot of a run is.
type State uint8

// States of a connection slot, in the order a connection goes through them.
const (
	// NotInitiated slots have not been dialled yet.
	NotInitiated State = iota
	// Dialing slots wait for the TCP handshake.
	Dialing
	// Established slots hold an open connection.
	Established
	// Closed slots lost their connection to a close by the peer.
	Closed
	// Error slots failed to connect, or lost their connection to an
	// error (reset, missing pong, bad answer).
	Error
	numStates
)

var stateNames = [numStates]string{"NotInitiated", "Dialing", "Established", "Closed", "Error"}

// String names the state as the report line does, e.g. "NotInitiated".
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// Counts is how many connection slots are in each state at one moment.
type Counts struct {
	// Total is the number of slots: the target count, or in auto mode the
	// slots opened so far.
	Total        int `json:"total"`
	Dialing      int `json:"dialing"`
	Established  int `json:"established"`
	Closed       int `json:"closed"`
	Error        int `json:"error"`
	NotInitiated int `json:"not_initiated"`
}

// Line formats the counts as the periodic report line:
// "Total: 10, Dialing: 1, Established: 8, Closed: 0, Error: 0, NotInitiated: 1".
func (c Counts) Line() string {
	return fmt.Sprintf("Total: %d, Dialing: %d, Established: %d, Closed: %d, Error: %d, NotInitiated: %d",
		c.Total, c.Dialing, c.Established, c.Closed, c.Error, c.NotInitiated)
}

// Add returns the sum of two counts, for runs spread over processes.
func (c Counts) Add(o Counts) Counts {
	return Counts{
		Total:        c.Total + o.Total,
		Dialing:      c.Dialing + o.Dialing,
		Established:  c.Established + o.Established,
		Closed:       c.Closed + o.Closed,
		Error:        c.Error + o.Error,
		NotInitiated: c.NotInitiated + o.NotInitiated,
	}
}

func countsOf(total int, by [numStates]int) Counts {
	return Counts{
		Total:        total,
		Dialing:      by[Dialing],
		Established:  by[Established],
		Closed:       by[Closed],
		Error:        by[Error],
		NotInitiated: by[NotInitiated],
	}
}
