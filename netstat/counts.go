package netstat

import (
	"sort"
	"time"
)

// StateCounts counts sockets by TCP state.
type StateCounts map[string]int

// Total is the number of sockets in every state.
func (c StateCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Counts is a census reduced to numbers: sockets by side and state.
type Counts struct {
	Taken  time.Time   `json:"taken"`
	Server StateCounts `json:"server"`
	Client StateCounts `json:"client"`
	Listen int         `json:"listen"`
}

// Counts reduces the snapshot to counts by side and state.
func (s Snapshot) Counts() Counts {
	c := Counts{Taken: s.Taken, Server: StateCounts{}, Client: StateCounts{}}
	for _, k := range s.Sockets {
		switch k.Side {
		case SideListen:
			c.Listen++
		case SideServer:
			c.Server[k.State]++
		default:
			c.Client[k.State]++
		}
	}
	return c
}

// Count is the number of sockets on one side in one state. An empty side
// counts both server and client sides; an empty state counts every state.
func (s Snapshot) Count(side Side, state string) int {
	n := 0
	for _, k := range s.Sockets {
		if (side == "" && k.Side != SideListen || k.Side == side) && (state == "" || k.State == state) {
			n++
		}
	}
	return n
}

// Select returns the sockets of the snapshot the selector chooses, without
// reading the kernel again. Sides keep the labels of the original census.
func (s Snapshot) Select(sel Selector) Snapshot {
	out := Snapshot{Taken: s.Taken, Selector: sel}
	for _, k := range s.Sockets {
		if sel.Match(k) {
			out.Sockets = append(out.Sockets, k)
		}
	}
	return out
}

// Sorted returns the sockets ordered by side, state, local then remote
// address, for stable listings.
func (s Snapshot) Sorted() []Socket {
	out := append([]Socket(nil), s.Sockets...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Side != b.Side {
			return a.Side < b.Side
		}
		if a.State != b.State {
			return a.State < b.State
		}
		if a.Local != b.Local {
			return a.Local.Compare(b.Local) < 0
		}
		return a.Remote.Compare(b.Remote) < 0
	})
	return out
}
