package clients

import (
	"context"
	"net/http"
	"sync"
)

// NewFaulty returns the faulty client: a new http.Client with its own new
// http.Transport for every request, whose idle connections are never
// closed. It reads and closes each body, so every connection goes back to
// its Transport's idle pool, a pool that nobody will use again: one socket
// leaks per finished request.
//
// Close releases the leak (it closes the idle connections of every
// Transport it made), so a test or a demo leaves nothing behind.
func NewFaulty() Requester { return &faulty{} }

type faulty struct {
	conns      connCounter
	mu         sync.Mutex
	transports []*http.Transport
}

func (f *faulty) Name() string   { return Faulty }
func (f *faulty) OpenConns() int { return f.conns.count() }

func (f *faulty) Do(ctx context.Context, url string) Outcome {
	//leaklab:allow transportpercall the faulty variant of new-client-per-request (docs/01)
	tr := &http.Transport{DialContext: f.conns.dial} // the bug: one per request
	f.mu.Lock()
	f.transports = append(f.transports, tr) // kept only so Close can release them
	f.mu.Unlock()
	client := &http.Client{Transport: tr}
	resp, o, err := get(ctx, client, url)
	if err != nil {
		o.Err = err
		return o
	}
	o.Err = drainAndClose(resp.Body)
	return o
}

func (f *faulty) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, tr := range f.transports {
		tr.CloseIdleConnections()
	}
	f.transports = nil
}
