package server

import (
	"io"
	"time"
)

// Defaults of the server: the original demo's 20 s slow server on loopback.
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultDelay             = 20 * time.Second
	DefaultMaxDelay          = 5 * time.Minute
	DefaultReportEvery       = 5 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultShutdownGrace     = 5 * time.Second
)

// Config is the server's configuration. Every field means what it says,
// zero included; DefaultConfig returns the defaults.
type Config struct {
	// Addr is the address to listen on; port 0 picks a free port.
	Addr string
	// Delay is how long "/" waits before answering, unless the request
	// asks for another one with ?delay=300ms.
	Delay time.Duration
	// MaxDelay caps the ?delay= query.
	MaxDelay time.Duration
	// ReportEvery is the period of the one-line report on Log; 0 turns the
	// report off.
	ReportEvery time.Duration
	// IdleTimeout closes keep-alive connections idle this long; 0 keeps
	// them forever, as the original demo server did.
	IdleTimeout time.Duration
	// ReadHeaderTimeout bounds the time to read a request's headers; 0 is
	// no bound. It also closes a connection that sends nothing at all:
	// net/http arms it as soon as it takes a connection. Stats counts
	// both in HeaderTimeouts.
	ReadHeaderTimeout time.Duration
	// MaxHeaderBytes caps the size of a request's headers (net/http lets
	// 4 KiB more through); past it the server answers 431 Request Header
	// Fields Too Large and closes the connection. 0 takes net/http's
	// default, 1 MiB.
	MaxHeaderBytes int
	// MaxConns caps the connections open at once; past it the server
	// answers each new connection with a short 503 (Connection: close,
	// Retry-After: 1) and closes it, and counts it in Stats.Refused. 0 is
	// no cap; DefaultConfig takes DefaultMaxConns, just under the
	// open-files limit.
	MaxConns int
	// ShutdownGrace is how long Close lets in-flight requests finish before
	// it cancels them and closes every connection.
	ShutdownGrace time.Duration
	// BodySize pads the answer of "/" to this many bytes, for clients
	// whose handling of the body matters; 0 or less: the one line alone.
	BodySize int
	// Hang makes "/" never answer: each request waits until its client
	// leaves (or closes its sending side: no answer is coming, so the
	// connection is closed without one) or Close cancels it, like a stuck
	// backend.
	Hang bool
	// Metrics serves Prometheus metrics on /metrics (see Registry).
	Metrics bool
	// ReusePort sets SO_REUSEPORT on the listening socket, so several
	// server processes can listen on the same address and port and the
	// kernel spreads new connections over them (Linux). Each process has
	// its own open-files limit.
	ReusePort bool
	// Log receives the periodic reports and the client-gone lines; nil
	// discards them.
	Log io.Writer
}

// DefaultConfig returns the default configuration: 127.0.0.1:8080, a 20 s
// delay, a report every 5 s, no idle timeout and a 10 s header timeout;
// and the guards: headers up to 64 KiB, connections up to
// DefaultMaxConns.
func DefaultConfig() Config {
	return Config{
		Addr:              DefaultAddr,
		Delay:             DefaultDelay,
		MaxDelay:          DefaultMaxDelay,
		ReportEvery:       DefaultReportEvery,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		MaxConns:          DefaultMaxConns(),
		ShutdownGrace:     DefaultShutdownGrace,
	}
}
