package clients

import (
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
	p := newPooled(Fixed, PoolConfig{MaxIdleConnsPerHost: FixedMaxIdleConnsPerHost, Timeout: cfg.Timeout})
	p.transport.MaxIdleConns = FixedMaxIdleConns
	p.transport.IdleConnTimeout = cfg.IdleConnTimeout
	p.closeIdleOnError = true
	return p
}
