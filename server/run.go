package server

import (
	"context"
	"time"
)

// Run starts a server, logs a report every ReportEvery until ctx is done,
// then shuts down gracefully and logs a final summary. It returns an error
// only when the server could not start.
func Run(ctx context.Context, cfg Config) error {
	s := New(cfg)
	if err := s.Start(); err != nil {
		return err
	}
	s.log.Printf("listening on %s (delay %v, idle timeout %v, read-header timeout %v, max conns %v, max header bytes %d); Ctrl-C stops",
		s.URL(), cfg.Delay, durationOrNone(cfg.IdleTimeout), durationOrNone(cfg.ReadHeaderTimeout), intOrNone(cfg.MaxConns), headerLimit(cfg.MaxHeaderBytes))
	if cfg.Metrics {
		s.log.Printf("Prometheus metrics on %smetrics", s.URL())
	}
	s.reportUntil(ctx)
	s.log.Printf("stopping: letting in-flight requests finish for up to %v", cfg.ShutdownGrace)
	err := s.Close()
	final := s.Stats(context.Background())
	s.log.Printf("final: %s", final.Line())
	s.log.Printf("summary: accepted %d connections, served %d requests, %d clients left before the answer%s",
		final.Conns.Accepted, final.Served, final.ClientGone, final.guardSummary(cfg.ReadHeaderTimeout))
	return err
}

func (s *Server) reportUntil(ctx context.Context) {
	if s.cfg.ReportEvery <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(s.cfg.ReportEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.log.Print(s.Stats(ctx).Line())
		}
	}
}

func durationOrNone(d time.Duration) any {
	if d <= 0 {
		return "none"
	}
	return d
}
