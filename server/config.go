package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/leaklab/leaklab/fielderr"
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
	// MaxHeaderBytes caps the size of a request's head. net/http reads
	// HeaderSlack bytes more: the request line and headers together,
	// CRLFs and the blank line included, may take MaxHeaderBytes +
	// HeaderSlack bytes (HeaderCutoff); one byte more gets 431 Request
	// Header Fields Too Large and the connection is closed. 0 takes
	// net/http's default, 1 MiB.
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

// HeaderSlack is how many bytes past MaxHeaderBytes net/http reads of a
// request's head before it answers 431 (net/http's initialReadLimitSize).
const HeaderSlack = 4096

// HeaderCutoff is the largest request head the server reads, in bytes:
// the request line and every header, CRLFs and the blank line included.
// A head one byte longer gets 431.
func (c Config) HeaderCutoff() int { return headerLimit(c.MaxHeaderBytes) + HeaderSlack }

// Validate reports the first setting that makes no sense, as a
// *fielderr.Error. Start calls it, so a server never starts with one.
func (c Config) Validate() error {
	if err := checkAddr(c.Addr); err != nil {
		return err
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{{"Delay", c.Delay}, {"MaxDelay", c.MaxDelay}, {"ReportEvery", c.ReportEvery}, {"IdleTimeout", c.IdleTimeout},
		{"ReadHeaderTimeout", c.ReadHeaderTimeout}, {"ShutdownGrace", c.ShutdownGrace}} {
		if d.value < 0 {
			return fielderr.New(d.name, d.value, "is negative; give a duration such as 5s, or 0")
		}
	}
	switch {
	case c.MaxHeaderBytes < 0:
		return fielderr.New("MaxHeaderBytes", c.MaxHeaderBytes, "is negative; give a size such as 65536, or 0 for net/http's 1 MiB")
	case c.MaxConns < 0:
		return fielderr.New("MaxConns", c.MaxConns, "is negative; give a count such as 10000, or 0 for no cap")
	}
	return nil
}

// checkAddr checks that addr is host:port with a port from 0 (any free
// port) to 65535.
func checkAddr(addr string) error {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		return fielderr.New("Addr", addr, fmt.Sprintf("is not host:port (%v); give one such as 127.0.0.1:8080", err))
	}
	if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
		return fielderr.New("Addr", addr, fmt.Sprintf("port %q is out of range; give 0 (any free port) to 65535", p))
	}
	return nil
}
