package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// How a watch ended.
const (
	EndDuration    = "duration"    // the whole Duration was watched
	EndInterrupted = "interrupted" // the context was cancelled
	EndExited      = "exited"      // the process exited
	EndSamples     = "samples"     // Config.Samples were taken
)

// Watch samples the sockets cfg selects every cfg.Interval for
// cfg.Duration (or cfg.Samples samples), writing one status line per sample to progress (nil:
// none), and returns the report. Cancelling ctx ends the watch early with
// the report of what was seen; so does the process exiting. The error is
// for a watch that could not start (bad config, no such process, no
// permission, a pprof URL that does not answer) or a census that failed.
func Watch(ctx context.Context, cfg Config, progress io.Writer) (Report, error) {
	w, err := start(ctx, cfg, progress)
	if err != nil {
		return Report{}, err
	}
	return w.report(), nil
}

// start checks the config and the process, then runs the watch to its end.
func start(ctx context.Context, cfg Config, progress io.Writer) (*watch, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Pid != 0 {
		if err := checkReadable(cfg.Pid); err != nil {
			return nil, err
		}
	}
	w := &watch{cfg: cfg, progress: progress}
	if cfg.PprofURL != "" {
		var err error
		if w.gr, err = newGoroutineReader(ctx, cfg); err != nil {
			return nil, err
		}
		defer w.gr.close()
	}
	w.start = time.Now()
	w.s = newSampler(cfg, w.start)
	var err error
	if w.end, err = w.loop(ctx); err != nil {
		return nil, err
	}
	w.elapsed = time.Since(w.start)
	if w.gr != nil && w.gr.failures > 0 {
		w.notes = append(w.notes, fmt.Sprintf("the goroutine profile could not be read %d times; last: %s", w.gr.failures, w.gr.lastErr))
	}
	return w, nil
}

// report analyses the samples of a finished watch.
func (w *watch) report() Report {
	return analyze(w.cfg, w.samples, w.end, w.elapsed, w.notes)
}

// watch is the state of one Watch.
type watch struct {
	cfg      Config
	progress io.Writer
	gr       *goroutineReader
	start    time.Time
	s        *sampler
	samples  []Sample
	notes    []string
	end      string
	elapsed  time.Duration
}

// loop takes samples until the duration is over, ctx is done or the
// process exits, and says which.
func (w *watch) loop(ctx context.Context) (string, error) {
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	deadline := w.start.Add(w.cfg.Duration)
	for {
		if end, err := w.one(ctx); end != "" || err != nil {
			return end, err
		}
		if w.cfg.Samples > 0 && len(w.samples) >= w.cfg.Samples {
			return EndSamples, nil
		}
		if !time.Now().Add(w.cfg.Interval / 2).Before(deadline) {
			return EndDuration, nil
		}
		select {
		case <-ctx.Done():
			return EndInterrupted, nil
		case <-t.C:
		}
	}
}

// one takes one sample; end is set when the watch must stop.
func (w *watch) one(ctx context.Context) (string, error) {
	smp, err := w.s.take(ctx)
	switch {
	case ctx.Err() != nil:
		return EndInterrupted, nil
	case errors.Is(err, errExited):
		w.notes = append(w.notes, fmt.Sprintf("pid %d exited after %s, during sample %d; the report covers the %d samples taken before", w.cfg.Pid, round(time.Since(w.start)), len(w.samples)+1, len(w.samples)))
		return EndExited, nil
	case err != nil:
		return "", err
	}
	if w.gr != nil {
		g, err := w.gr.read(ctx)
		if err != nil && ctx.Err() == nil {
			w.gr.failed(err)
		}
		smp.Goroutines = g
	}
	w.samples = append(w.samples, smp)
	if w.progress != nil {
		if _, err := io.WriteString(w.progress, statusLine(w.cfg, w.samples)+"\n"); err != nil {
			return "", fmt.Errorf("write the status line: %w", err)
		}
	}
	return "", nil
}

// round shortens a duration for messages: 2.4s, 180ms.
func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
