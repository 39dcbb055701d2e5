package capacity

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// WorkerEnv is the environment variable that makes a process a worker of
// RunWorkers. It holds the worker's Config as JSON; the worker passes it
// to ServeWorker.
const WorkerEnv = "LEAKLAB_CONNS_WORKER"

// workerStopGrace is how long a worker may take to stop after SIGTERM
// before it is killed.
const workerStopGrace = 10 * time.Second

// event is one line a worker writes: its counts every Interval, and its
// result at the end.
type event struct {
	Counts *Counts `json:"counts,omitempty"`
	Result *Result `json:"result,omitempty"`
}

// Split divides a run over n processes: each gets its share of the
// connections and of the rate, and starts at a different source address.
func (c Config) Split(n int) []Config {
	out := make([]Config, n)
	for i := range out {
		w := c
		w.OnInterval = nil
		w.Connections = c.Connections / n
		if i < c.Connections%n {
			w.Connections++
		}
		w.Rate = c.Rate / float64(n)
		w.Delay = c.Delay * time.Duration(n)
		if c.Delay > math.MaxInt64/time.Duration(n) {
			w.Delay = math.MaxInt64 // no overflow into a negative delay
		}
		if k := len(c.Sources); k > 0 {
			w.Sources = append(append([]netip.Addr{}, c.Sources[i%k:]...), c.Sources[:i%k]...)
		}
		out[i] = w
	}
	return out
}

// ServeWorker is the worker side of RunWorkers: it reads the Config from
// spec (the value of WorkerEnv), raises the open-files limit, runs, and
// writes its counts every Interval and its result to w as JSON lines.
func ServeWorker(ctx context.Context, spec string, w io.Writer) error {
	var cfg Config
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		return fmt.Errorf("read the worker config from %s: %w; it is set by the parent process, not by hand", WorkerEnv, err)
	}
	limit, err := RaiseFileLimit()
	if err != nil {
		return err
	}
	if err := cfg.checkFiles(limit, 1); err != nil {
		return err
	}
	if !cfg.StartAt.IsZero() && !time.Now().Before(cfg.StartAt) {
		cfg.StartAt = time.Time{} // the parent checked it was ahead; late by a start-up: go now
	}
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	send := func(e event) {
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(e)
	}
	cfg.OnInterval = func(c Counts) { send(event{Counts: &c}) }
	t, err := New(cfg)
	if err != nil {
		return err
	}
	c := t.Counts()
	send(event{Counts: &c}) // the parent's first report knows the totals
	res := t.Run(ctx)
	send(event{Result: &res})
	return nil
}

// RunWorkers runs cfg (its share, for a segment) spread over n worker
// processes, each with its own open-files limit, and merges their results. command returns the
// command that starts one worker (for leaklab: os.Args[0] "conns",
// created with exec.CommandContext(ctx, ...)); RunWorkers adds WorkerEnv
// to its environment, stops it with SIGTERM when ctx is done, and has the
// kernel stop it if this process dies. Worker diagnostics go to stderr.
func RunWorkers(ctx context.Context, cfg Config, n int, command func(ctx context.Context) *exec.Cmd, stderr io.Writer) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	label := labelOf(cfg)
	cfg = cfg.Share()
	if n < 1 || cfg.Connections > 0 && n > cfg.Connections {
		return Result{}, fmt.Errorf("workers %d: want between 1 and the %d connections", n, cfg.Connections)
	}
	agg := newAggregate(cfg, n)
	agg.label = label
	ws := make([]*worker, n)
	for i, part := range cfg.Split(n) {
		w, err := startWorker(ctx, i, part, command, &lockedWriter{w: stderr}, agg)
		if err != nil {
			for _, started := range ws[:i] {
				started.stop()
			}
			return Result{}, err
		}
		ws[i] = w
	}
	stopReports := agg.report(cfg.OnInterval, cfg.Interval)
	errs := make([]error, n)
	for i, w := range ws {
		errs[i] = w.wait()
	}
	stopReports()
	return agg.result(ws, errors.Join(errs...))
}

// worker is one child process of RunWorkers.
type worker struct {
	index  int
	cmd    *exec.Cmd
	result *Result
	done   chan struct{} // closed when its output has been read
}

func startWorker(ctx context.Context, i int, cfg Config, command func(context.Context) *exec.Cmd, stderr io.Writer, agg *aggregate) (*worker, error) {
	spec, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode the config of worker %d: %w", i, err)
	}
	cmd := command(ctx)
	cmd.Env = append(cmd.Environ(), WorkerEnv+"="+string(spec))
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = workerStopGrace
	cmd.Stderr = &prefixWriter{w: stderr, prefix: fmt.Sprintf("worker %d: ", i)}
	setDeathSignal(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start worker %d: %w", i, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker %d (%s): %w", i, cmd.Path, err)
	}
	w := &worker{index: i, cmd: cmd, done: make(chan struct{})}
	go w.read(out, agg)
	return w, nil
}

// read decodes the worker's events until its output ends.
func (w *worker) read(out io.Reader, agg *aggregate) {
	defer close(w.done)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			continue
		}
		switch {
		case e.Counts != nil:
			agg.update(w.index, *e.Counts)
		case e.Result != nil:
			w.result = e.Result
			agg.update(w.index, e.Result.Final)
		}
	}
}

// wait waits for the worker's output and exit.
func (w *worker) wait() error {
	<-w.done
	err := w.cmd.Wait()
	if err != nil && w.cmd.ProcessState != nil && w.cmd.ProcessState.Success() {
		err = nil // stopped by SIGTERM when the run was cancelled, cleanly
	}
	if err != nil {
		return fmt.Errorf("worker %d: %w", w.index, err)
	}
	if w.result == nil {
		return fmt.Errorf("worker %d exited without a result", w.index)
	}
	return nil
}

func (w *worker) stop() {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	_ = w.wait()
}
