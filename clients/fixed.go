package clients

import (
	"context"
	"net/http"
	"time"
)

// FixedConfig tunes the fixed client.
type FixedConfig struct {
	// Timeout bounds a whole request; keep it longer than the server's
	// delay. 0 means no timeout.
	Timeout time.Duration
	// IdleConnTimeout closes pooled connections idle this long.
	IdleConnTimeout time.Duration
}

// Pool sizes of the fixed client.
const (
	FixedMaxIdleConns        = 5
	FixedMaxIdleConnsPerHost = 2
)

// NewFixed returns the fixed client: one shared http.Client and Transport,
// keep-alive on, MaxIdleConns 5, MaxIdleConnsPerHost 2, IdleConnTimeout
// from cfg, bodies drained (bounded) and closed, and CloseIdleConnections
// when a request fails, so a broken connection is not reused.
func NewFixed(cfg FixedConfig) Requester {
	f := &fixed{}
	f.transport = &http.Transport{
		DialContext:         f.conns.dial,
		MaxIdleConns:        FixedMaxIdleConns,
		MaxIdleConnsPerHost: FixedMaxIdleConnsPerHost,
		IdleConnTimeout:     cfg.IdleConnTimeout,
	}
	f.client = &http.Client{Transport: f.transport, Timeout: cfg.Timeout}
	return f
}

type fixed struct {
	conns     connCounter
	transport *http.Transport
	client    *http.Client
}

func (f *fixed) Name() string   { return Fixed }
func (f *fixed) OpenConns() int { return f.conns.count() }

func (f *fixed) Do(ctx context.Context, url string) Outcome {
	resp, o, err := get(ctx, f.client, url)
	if err == nil {
		err = drainAndClose(resp.Body)
	}
	if err != nil {
		f.transport.CloseIdleConnections()
		o.Err = err
	}
	return o
}

func (f *fixed) Close() { f.transport.CloseIdleConnections() }
