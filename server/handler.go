package server

import (
	"fmt"
	"net/http"
	"time"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.slow)
	mux.HandleFunc("GET /ping", s.ping)
	mux.HandleFunc("GET /stats", s.statsHandler)
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
	select {
	case <-t.C:
	case <-r.Context().Done():
		s.gone(r, time.Since(start), delay)
		return
	}
	w.Header().Set("Connection", "keep-alive")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "answered after %v\n", delay)
	s.served.Add(1)
}

// gone records a request whose client went away before the answer, or
// that the server cancelled while shutting down.
func (s *Server) gone(r *http.Request, waited, delay time.Duration) {
	if s.stopping.Err() != nil {
		return
	}
	s.clientGone.Add(1)
	s.log.Printf("client %s left after %v of a %v wait", r.RemoteAddr, waited.Round(time.Millisecond), delay)
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
