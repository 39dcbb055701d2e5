package clients

import (
	"time"

	"github.com/leaklab/leaklab/fielderr"
)

// FixedConfig tunes the fixed client.
type FixedConfig struct {
	// Timeout bounds a whole request; keep it longer than the server's
	// delay. 0 means no timeout.
	Timeout time.Duration
	// IdleConnTimeout closes pooled connections idle this long.
	IdleConnTimeout time.Duration
}

// Validate reports a negative duration, as a *fielderr.Error.
func (c FixedConfig) Validate() error {
	switch {
	case c.Timeout < 0:
		return fielderr.New("Timeout", c.Timeout, "is negative; give a duration such as 30s, or 0 for none")
	case c.IdleConnTimeout < 0:
		return fielderr.New("IdleConnTimeout", c.IdleConnTimeout, "is negative; give a duration such as 90s, or 0 for none")
	}
	return nil
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
