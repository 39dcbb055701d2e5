package clients

import (
	"context"
	"io"
	"sync"
)

// NewUnclosedBody returns the faulty variant of body-not-closed: one
// shared Client with http.DefaultClient's settings that looks at each
// answer's status and never reads nor closes its body.
//
// The Transport hands a connection back to its pool only when the body
// has been read to EOF or closed. Until then the connection's persistConn
// keeps its read loop waiting for the body and its write loop waiting for
// the next request: two goroutines and one socket per request, forever.
// The socket stays ESTABLISHED, then sits in CLOSE_WAIT once the server
// closes its end, because nobody reads it any more.
//
// Its requests ignore the caller's cancellation, as http.Get's do: the
// Transport closes the connection of a cancelled request, which would
// hide the leak. Close releases the leak: it closes every body it kept.
func NewUnclosedBody() Requester {
	return &unclosedBody{pooled: newPooled(Faulty, PoolConfig{})}
}

type unclosedBody struct {
	*pooled
	mu     sync.Mutex
	bodies []io.Closer
}

func (u *unclosedBody) Do(ctx context.Context, url string) Outcome {
	//leaklab:allow bodyclose the faulty variant of body-not-closed (docs/02); Close releases the bodies
	resp, o, err := get(context.WithoutCancel(ctx), u.client, url)
	if err != nil {
		o.Err = err
		return o
	}
	// The bug: no resp.Body.Close(). The body is kept only so that Close
	// can release what the bug holds.
	u.mu.Lock()
	u.bodies = append(u.bodies, resp.Body)
	u.mu.Unlock()
	return o
}

func (u *unclosedBody) Close() {
	u.mu.Lock()
	bodies := u.bodies
	u.bodies = nil
	u.mu.Unlock()
	for _, b := range bodies {
		_ = b.Close()
	}
	u.pooled.Close()
}

// NewClosedBody returns the fixed variant of body-not-closed: the same
// client, which reads each body (at most MaxDrain bytes) and closes it
// (defer resp.Body.Close()), so the connection goes back to the pool.
func NewClosedBody() Requester { return newPooled(Fixed, PoolConfig{}) }
