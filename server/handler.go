package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.slow)
	mux.HandleFunc("GET /ping", s.ping)
	mux.HandleFunc("GET /stats", s.statsHandler)
	if s.cfg.Metrics {
		mux.Handle("GET /metrics", s.metricsHandler())
	}
	return mux
}

// slow waits the delay, then answers 200 with Connection: keep-alive. A
// client that leaves first is noticed through the request's context.
func (s *Server) slow(w http.ResponseWriter, r *http.Request) {
	delay, err := s.delayOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	start := time.Now()
	t := time.NewTimer(delay)
	defer t.Stop()
	answer := t.C
	if s.cfg.Hang {
		answer = nil // never ready: only the client or Close ends the wait
	}
	select {
	case <-answer:
	case <-r.Context().Done():
		if s.closing.Load() {
			http.Error(w, "server shutting down", http.StatusServiceUnavailable)
			return
		}
		s.gone(r, time.Since(start), delay)
		return
	}
	s.answer(w, delay)
	s.served.Add(1)
}

// answer writes "answered after DELAY", padded to BodySize bytes.
func (s *Server) answer(w http.ResponseWriter, delay time.Duration) {
	line := fmt.Sprintf("answered after %v\n", delay)
	w.Header().Set("Connection", "keep-alive")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	pad := s.cfg.BodySize - len(line)
	if pad > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(s.cfg.BodySize))
	}
	_, _ = io.WriteString(w, line)
	for pad > 0 { // a client that left makes these writes fail; nothing to do
		n := min(pad, len(padding))
		_, _ = w.Write(padding[:n])
		pad -= n
	}
}

// padding fills the answers BodySize pads.
var padding = bytes.Repeat([]byte("."), 4<<10)

// gone records a request whose client went away before the answer.
func (s *Server) gone(r *http.Request, waited, delay time.Duration) {
	s.clientGone.Add(1)
	wait := fmt.Sprintf("a %v wait", delay)
	if s.cfg.Hang {
		wait = "a wait with no answer (Hang)"
	}
	s.log.Printf("client %s left after %v of %s", r.RemoteAddr, waited.Round(time.Millisecond), wait)
}

// delayOf reads ?delay=, which overrides the configured delay up to
// MaxDelay.
func (s *Server) delayOf(r *http.Request) (time.Duration, error) {
	q := r.URL.Query().Get("delay")
	if q == "" {
		return s.cfg.Delay, nil
	}
	d, err := time.ParseDuration(q)
	if err != nil {
		return 0, fmt.Errorf("bad delay %q: want a Go duration such as 300ms or 2s", q)
	}
	if d < 0 || d > s.cfg.MaxDelay {
		return 0, fmt.Errorf("bad delay %q: want between 0 and %v", q, s.cfg.MaxDelay)
	}
	return d, nil
}

// ping answers at once, for connection-capacity tests.
func (s *Server) ping(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("pong\n"))
}
