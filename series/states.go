package series

import (
	"fmt"
	"strings"

	"github.com/leaklab/leaklab/netstat"
)

// States are the TCP states a connected socket can be in: netstat.States
// without LISTEN, in the same order.
func States() []string {
	out := make([]string, 0, len(netstat.States))
	for _, s := range netstat.States {
		if s != netstat.Listen {
			out = append(out, s)
		}
	}
	return out
}

// StateColumn names the column of one state on one side:
// StateColumn("client", "TIME_WAIT") is "client_time_wait".
func StateColumn(side, state string) string {
	return side + "_" + strings.ToLower(state)
}

// StateColumns names the columns of every state of States on one side.
func StateColumns(side string) []string {
	var out []string
	for _, s := range States() {
		out = append(out, StateColumn(side, s))
	}
	return out
}

// StateCells returns the counts of c in the order of StateColumns, zero
// for the states c does not hold.
func StateCells(c netstat.StateCounts) []any {
	var out []any
	for _, s := range States() {
		out = append(out, c[s])
	}
	return out
}

// StateCounts reads the state columns of one side back from row i of t.
// Like a census, it keeps only the states with a socket in them.
func (t Table) StateCounts(i int, side string) (netstat.StateCounts, error) {
	out := netstat.StateCounts{}
	for _, s := range States() {
		n, err := t.Int(i, StateColumn(side, s))
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, fmt.Errorf("row %d, column %s: %d sockets is negative", i+1, StateColumn(side, s), n)
		}
		if n > 0 {
			out[s] = int(n)
		}
	}
	return out, nil
}
