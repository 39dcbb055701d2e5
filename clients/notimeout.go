package clients

import "time"

// NewNoTimeout returns the faulty variant of no-timeout: one shared Client
// with http.DefaultClient's settings, so no Timeout, and requests whose
// context has no deadline. Against a server that never answers, each
// request waits forever, holding its goroutines and its connection; new
// requests keep coming, so requests in flight and sockets grow without
// bound. Only a cancelled context (the load's drain timeout) or Close,
// which cancels every request in flight, ends them.
func NewNoTimeout() Requester { return newPooled(Faulty, PoolConfig{}) }

// NewWithTimeout returns the fixed variant of no-timeout: the same client
// with http.Client.Timeout set, so a request that gets no answer fails
// after timeout and gives its connection back; requests in flight stay
// near λ·timeout. A timeout of 0 means none: give a positive one.
func NewWithTimeout(timeout time.Duration) Requester {
	return newPooled(Fixed, PoolConfig{Timeout: timeout})
}
