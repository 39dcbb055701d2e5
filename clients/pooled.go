package clients

import (
	"context"
	"net/http"
	"time"
)

// PoolConfig tunes the one shared Client and Transport of a catalogue
// client (see NewWithTimeout, NewSizedPool and the others).
type PoolConfig struct {
	// MaxIdleConnsPerHost is the idle pool per host. 0 keeps net/http's
	// default, http.DefaultMaxIdleConnsPerHost (2), as http.DefaultClient
	// has.
	MaxIdleConnsPerHost int
	// Timeout bounds a whole request, body included (http.Client.Timeout);
	// 0 means none, as http.DefaultClient has.
	Timeout time.Duration
}

// Pool settings of http.DefaultTransport, which the catalogue clients
// start from.
const (
	DefaultTransportMaxIdleConns    = 100
	DefaultTransportIdleConnTimeout = 90 * time.Second
)

// pooled is a client with one shared Transport whose dials are counted.
// Close closes its idle connections and cancels its requests in flight.
type pooled struct {
	name      string
	conns     connCounter
	transport *http.Transport
	client    *http.Client
	closing   context.Context
	close     context.CancelFunc
	// closeIdleOnError closes the idle connections when a request fails,
	// so that a broken one is not reused (the fixed client does).
	closeIdleOnError bool
}

// newPooled builds a client with http.DefaultTransport's pool settings
// (no proxy: the kit calls loopback only), changed by cfg.
func newPooled(name string, cfg PoolConfig) *pooled {
	p := &pooled{name: name}
	p.closing, p.close = context.WithCancel(context.Background())
	p.transport = &http.Transport{
		DialContext:         p.conns.dial,
		MaxIdleConns:        max(DefaultTransportMaxIdleConns, cfg.MaxIdleConnsPerHost),
		MaxIdleConnsPerHost: cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:     DefaultTransportIdleConnTimeout,
	}
	p.client = &http.Client{Transport: p.transport, Timeout: cfg.Timeout}
	return p
}

func (p *pooled) Name() string   { return p.name }
func (p *pooled) OpenConns() int { return p.conns.count() }

// Do sends one GET, reads the body (at most MaxDrain bytes) and closes it,
// as a correct client does.
func (p *pooled) Do(ctx context.Context, url string) Outcome {
	ctx, done := p.bind(ctx)
	defer done()
	resp, o, err := get(ctx, p.client, url)
	if err == nil {
		err = drainAndClose(resp.Body)
	}
	if err != nil && p.closeIdleOnError {
		p.transport.CloseIdleConnections()
	}
	o.Err = err
	return o
}

// bind returns ctx, cancelled as well when the client is closed.
func (p *pooled) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(p.closing, cancel)
	return ctx, func() { stop(); cancel() }
}

// Close cancels the requests in flight and closes the idle connections.
func (p *pooled) Close() {
	p.close()
	p.transport.CloseIdleConnections()
}
