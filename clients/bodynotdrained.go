package clients

import (
	"context"
	"errors"
	"io"
)

// PrefixSize is how much of each body the undrained client reads: what
// code that only needs the start of an answer (a status line, a magic
// number, the first record) reads before it closes the body.
const PrefixSize = 512

// NewUndrainedBody returns the faulty variant of body-not-drained: one
// shared Client, configured by cfg, that reads the first PrefixSize bytes
// of each body and closes it without reading the rest.
//
// Closing a body before EOF tells the Transport that the rest of the
// answer is still on the wire, so it cannot send another request on that
// connection: it closes it. Every request dials a new connection, and,
// when the unread rest was already in the Transport's 4 KiB read buffer,
// every closed connection waits in TIME_WAIT on the client side. (When
// the rest is still in the kernel, Linux resets the connection instead,
// and no TIME_WAIT is left: the churn is the same.)
func NewUndrainedBody(cfg PoolConfig) Requester {
	return &undrainedBody{pooled: newPooled(Faulty, cfg)}
}

type undrainedBody struct{ *pooled }

func (u *undrainedBody) Do(ctx context.Context, url string) Outcome {
	ctx, done := u.bind(ctx)
	defer done()
	resp, o, err := get(ctx, u.client, url)
	if err != nil {
		o.Err = err
		return o
	}
	_, err = io.ReadFull(resp.Body, make([]byte, PrefixSize))
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil // a short body is not the client's failure
	}
	//leaklab:allow bodynotdrained the faulty variant of body-not-drained (docs/03)
	if cerr := resp.Body.Close(); err == nil { // the bug: the rest is never read
		err = cerr
	}
	o.Err = err
	return o
}

// NewDrainedBody returns the fixed variant of body-not-drained: the same
// client, which reads what it needs, then drains the rest (at most
// MaxDrain bytes, so a huge answer cannot hold it) before it closes the
// body: the connection goes back to the pool and is reused.
func NewDrainedBody(cfg PoolConfig) Requester { return newPooled(Fixed, cfg) }
