package clients

import "time"

// NewSmallPool returns the faulty variant of idle-pool-too-small: one
// shared Client that drains and closes every body, with net/http's
// default idle pool of 2 connections per host
// (http.DefaultMaxIdleConnsPerHost). When more requests than that finish
// together, the pool is full: the Transport closes each connection it
// cannot park, and the next requests dial new ones. Under concurrency well
// above 2 most of that churn shows as TIME_WAIT on the client side, one
// per connection thrown away.
func NewSmallPool(timeout time.Duration) Requester {
	return newPooled(Faulty, PoolConfig{Timeout: timeout})
}

// NewSizedPool returns the fixed variant of idle-pool-too-small: the same
// client with MaxIdleConnsPerHost (and MaxIdleConns) raised to perHost,
// the most requests it expects in flight at once, so every connection
// that finishes can wait in the pool for the next request.
func NewSizedPool(perHost int, timeout time.Duration) Requester {
	return newPooled(Fixed, PoolConfig{MaxIdleConnsPerHost: perHost, Timeout: timeout})
}
