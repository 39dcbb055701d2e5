package report

import (
	"fmt"
	"strings"

	"github.com/leaklab/leaklab/netstat"
)

// connectedStates are the TCP states a connected socket can be in: netstat.States
// without LISTEN, in the same order.
func connectedStates() []string {
	out := make([]string, 0, len(netstat.States))
	for _, s := range netstat.States {
		if s != netstat.Listen {
			out = append(out, s)
		}
	}
	return out
}

// stateColumn names the column of one state on one side:
// stateColumn("client", "TIME_WAIT") is "client_time_wait".
func stateColumn(side, state string) string {
	return side + "_" + strings.ToLower(state)
}

// stateColumns names the columns of every state of connectedStates on one side.
func stateColumns(side string) []string {
	var out []string
	for _, s := range connectedStates() {
		out = append(out, stateColumn(side, s))
	}
	return out
}

// stateCells returns the counts of c in the order of stateColumns, zero
// for the states c does not hold.
func stateCells(c netstat.StateCounts) []any {
	var out []any
	for _, s := range connectedStates() {
		out = append(out, c[s])
	}
	return out
}

// StateCounts reads the state columns of one side back from row i of t.
// Like a census, it keeps only the states with a socket in them.
func (t table) StateCounts(i int, side string) (netstat.StateCounts, error) {
	out := netstat.StateCounts{}
	for _, s := range connectedStates() {
		n, err := t.Int(i, stateColumn(side, s))
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, fmt.Errorf("row %d, column %s: %d sockets is negative", i+1, stateColumn(side, s), n)
		}
		if n > 0 {
			out[s] = int(n)
		}
	}
	return out, nil
}
