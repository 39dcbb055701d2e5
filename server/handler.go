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

// slow waits the delay, then answers 200 with Connection: keep-alive.
// A client that leaves first is noticed through the request's context and
// the connection's read error (see wait).
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
	switch s.wait(r, answer) {
	case shuttingDown:
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	case broken:
		s.gone(r, time.Since(start), delay, "its connection broke ("+readErrOf(r)+")")
		panic(http.ErrAbortHandler) // nobody reads an answer; close without one
	case halfClosedHang:
		s.log.Printf("client %s closed its sending side after %v of a wait with no answer (Hang); closed the connection without an answer",
			r.RemoteAddr, time.Since(start).Round(time.Millisecond))
		panic(http.ErrAbortHandler)
	}
	if err := s.answer(w, delay); err != nil {
		s.gone(r, time.Since(start), delay, "the answer could not be written ("+err.Error()+")")
		return
	}
	s.served.Add(1)
}

// waitEnd is how a request's wait for its answer ended.
type waitEnd int

const (
	answerNow      waitEnd = iota // the delay passed
	shuttingDown                  // Close is under way
	broken                        // the connection broke (a reset): the client is gone
	halfClosedHang                // the client closed its sending side and Hang never answers
)

// wait waits for the answer's time. net/http cancels the request's context
// as soon as its read of the connection ends, and that read ends in three
// ways that mean different things: a reset (the client is gone), Close
// closing the connection, or the client's FIN. A FIN only says the client
// sends nothing more: a client that shut down its sending side
// (shutdown(SHUT_WR), nc -N) still reads, and one that closed the whole
// socket looks the same until the answer is written. So after a FIN the
// wait goes on and the answer is sent; whether it could be written tells
// the rest.
func (s *Server) wait(r *http.Request, answer <-chan time.Time) waitEnd {
	select {
	case <-answer:
		return answerNow
	case <-r.Context().Done():
	}
	switch {
	case s.closing.Load():
		return shuttingDown
	case !sentFIN(r):
		return broken
	case answer == nil:
		return halfClosedHang
	}
	select {
	case <-answer:
		return answerNow
	case <-s.stopping.Done():
		return shuttingDown
	}
}

// answer writes "answered after DELAY", padded to BodySize bytes, and
// flushes it; the error says the answer could not be written.
func (s *Server) answer(w http.ResponseWriter, delay time.Duration) error {
	line := fmt.Sprintf("answered after %v\n", delay)
	w.Header().Set("Connection", "keep-alive")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(max(s.cfg.BodySize, len(line))))
	if _, err := io.WriteString(w, line); err != nil {
		return err
	}
	for pad := s.cfg.BodySize - len(line); pad > 0; {
		n := min(pad, len(padding))
		if _, err := w.Write(padding[:n]); err != nil {
			return err
		}
		pad -= n
	}
	return http.NewResponseController(w).Flush()
}

// padding fills the answers BodySize pads.
var padding = bytes.Repeat([]byte("."), 4<<10)

// gone records a request whose client is known to be gone: it reset the
// connection, or the answer could not be written; why says which.
func (s *Server) gone(r *http.Request, waited, delay time.Duration, why string) {
	s.clientGone.Add(1)
	wait := fmt.Sprintf("a %v wait", delay)
	if s.cfg.Hang {
		wait = "a wait with no answer (Hang)"
	}
	s.log.Printf("client %s left after %v of %s: %s", r.RemoteAddr, waited.Round(time.Millisecond), wait, why)
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
