package server

import (
	"net"
	"net/http"
	"sync"
)

// ConnCounts is the program's view of the server's connections, from
// http.Server.ConnState.
type ConnCounts struct {
	// Open is the number of connections accepted and not yet closed.
	Open int `json:"open"`
	// New connections have not sent a request yet.
	New int `json:"new"`
	// Active connections are reading or serving a request.
	Active int `json:"active"`
	// Idle connections wait for the next request of a keep-alive client.
	Idle int `json:"idle"`
	// Accepted counts every connection since start.
	Accepted int64 `json:"accepted"`
	// Closed counts every connection closed or hijacked since start.
	Closed int64 `json:"closed"`
}

// connTracker follows every connection through its ConnState transitions.
type connTracker struct {
	mu       sync.Mutex
	states   map[net.Conn]http.ConnState
	accepted int64
	closed   int64
}

func newConnTracker() *connTracker {
	return &connTracker{states: map[net.Conn]http.ConnState{}}
}

// hook is the http.Server.ConnState callback.
func (t *connTracker) hook(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch st {
	case http.StateNew:
		t.accepted++
		t.states[c] = st
	case http.StateClosed, http.StateHijacked:
		if _, ok := t.states[c]; ok {
			delete(t.states, c)
			t.closed++
		}
	default:
		t.states[c] = st
	}
}

func (t *connTracker) counts() ConnCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := ConnCounts{Open: len(t.states), Accepted: t.accepted, Closed: t.closed}
	for _, st := range t.states {
		switch st {
		case http.StateNew:
			c.New++
		case http.StateActive:
			c.Active++
		case http.StateIdle:
			c.Idle++
		}
	}
	return c
}
