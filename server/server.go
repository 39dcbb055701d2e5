package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Server is a slow keep-alive HTTP server that counts its connections.
// Create it with New, call Start, and Close it when done.
type Server struct {
	cfg     Config
	log     *log.Logger
	hs      *http.Server
	ln      net.Listener
	conns   *connTracker
	guard   *guardListener // the listener, with MaxConns and the header timeouts
	started time.Time

	baseline Memory // the process's memory at Start, before any connection

	inFlight   atomic.Int64
	served     atomic.Int64
	clientGone atomic.Int64

	closing    atomic.Bool     // set when Close starts
	stopping   context.Context // cancelled when Close gives up waiting
	stop       context.CancelFunc
	serveDone  chan struct{}
	closeOnce  sync.Once
	closeError error
}

// New returns a server with the given configuration, not yet listening.
func New(cfg Config) *Server {
	w := cfg.Log
	if w == nil {
		w = io.Discard
	}
	s := &Server{cfg: cfg, log: log.New(w, "", log.Ltime), conns: newConnTracker(), serveDone: make(chan struct{})}
	s.stopping, s.stop = context.WithCancel(context.Background())
	s.guard = newGuard(cfg.MaxConns, s.logFull)
	s.hs = &http.Server{
		Handler:           s.routes(),
		ConnState:         s.connState,
		ConnContext:       connContext,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		IdleTimeout:       cfg.IdleTimeout,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return s.stopping },
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	return s
}

// Start checks the configuration (Config.Validate), listens on the
// configured address and serves in the background.
func (s *Server) Start() error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	ln, err := listen(s.cfg.Addr, s.cfg.ReusePort)
	if err != nil {
		return listenError(s.cfg.Addr, err)
	}
	s.guard.Listener = ln
	s.ln = s.guard
	s.started = time.Now()
	s.baseline = readMemory(0, Memory{})
	go func() {
		defer close(s.serveDone)
		_ = s.hs.Serve(s.guard) // returns http.ErrServerClosed after Close
	}()
	return nil
}

func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen %s: address already in use; another leaklab server? stop it or pick another address (port 0 takes any free port): %w", addr, err)
	}
	return fmt.Errorf("listen %s: %w; check the host:port to listen on", addr, err)
}

// Addr is the address the server listens on.
func (s *Server) Addr() *net.TCPAddr { return s.ln.Addr().(*net.TCPAddr) }

// Port is the port the server listens on.
func (s *Server) Port() uint16 { return uint16(s.Addr().Port) }

// URL is the base URL of the server, e.g. "http://127.0.0.1:8080/".
func (s *Server) URL() string { return "http://" + s.Addr().String() + "/" }

// Close shuts the server down: it stops accepting, lets in-flight requests
// finish for up to ShutdownGrace, then cancels the ones left and closes
// every connection. It waits until the serving goroutine has returned
// and the refusals under way (Config.MaxConns) have ended.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.ln == nil {
			return
		}
		s.closing.Store(true)
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
		defer cancel()
		if err := s.hs.Shutdown(ctx); err != nil {
			// Close the connections first, so that no handler cut short can
			// still answer on one; then release the handlers left.
			s.closeError = s.hs.Close()
		}
		s.stop()
		<-s.serveDone
		s.guard.wait()
	})
	return s.closeError
}
