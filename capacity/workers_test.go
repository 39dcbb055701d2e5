package capacity_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testWorker starts this test binary as a worker; TestMain sees WorkerEnv.
// Under -race a process sleeps a second at exit unless told otherwise.
func testWorker(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	return cmd
}

// skipShort skips tests that start processes under -short.
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes; skipped with -short")
	}
}

func TestRunWorkersAddsUpTheProcesses(t *testing.T) {
	skipShort(t)
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 6)
	cfg.Hold = 300 * time.Millisecond
	cfg.Interval = 20 * time.Millisecond
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.2")
	var mu sync.Mutex
	var reports []capacity.Counts
	cfg.OnInterval = func(c capacity.Counts) { mu.Lock(); reports = append(reports, c); mu.Unlock() }
	var stderr bytes.Buffer
	r, err := capacity.RunWorkers(context.Background(), cfg, 2, testWorker, &stderr)
	require.NoError(t, err, stderr.String())

	assert.Equal(t, 2, r.Workers)
	assert.Equal(t, capacity.Counts{Total: 6, Established: 6}, r.Final)
	assert.Equal(t, 6, r.Peak)
	assert.True(t, r.Reached)
	assert.EqualValues(t, 6, r.Dials)
	assert.EqualValues(t, 6, r.ConnectTime.Count)
	assert.Equal(t, "held for 300ms", r.StopReason)
	srv.waitAccepted(t, 6)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, reports)
	assert.Equal(t, 6, reports[len(reports)-1].Total)
}

func TestRunWorkersStopsOnCancel(t *testing.T) {
	skipShort(t)
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.OnInterval = func(c capacity.Counts) {
		if c.Established == 4 {
			cancel() // as Ctrl-C would, once every connection is open
		}
	}
	var stderr bytes.Buffer
	r, err := capacity.RunWorkers(ctx, cfg, 2, testWorker, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, "interrupted", r.StopReason)
	assert.Equal(t, 4, r.Final.Established)
	srv.waitAccepted(t, 4)
	waitFor(t, "every connection closed", func() bool {
		for i := range 4 {
			if !isClosed(srv.conn(i)) {
				return false
			}
		}
		return true
	})
}

func TestRunWorkersRefusesMoreWorkersThanConnections(t *testing.T) {
	cfg := testConfig("127.0.0.1:9", 2)
	_, err := capacity.RunWorkers(context.Background(), cfg, 3, testWorker, &bytes.Buffer{})
	assert.ErrorContains(t, err, "workers 3: want between 1 and the 2 connections")
}

// A segment spread over workers: the workers share the segment's share,
// wait for StartAt, and the result is labelled as the segment.
func TestRunWorkersRunsASegmentAtItsStart(t *testing.T) {
	skipShort(t)
	srv := startServer(t, false)
	cfg := testConfig(srv.addr(), 9)
	cfg.Hold = 200 * time.Millisecond
	cfg.Interval = 20 * time.Millisecond
	cfg.Segment = capacity.Segment{Index: 0, Count: 2} // round(9/2) = 5 connections
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.4")
	cfg.StartAt = time.Now().Add(time.Second) // a worker starts well within it
	var stderr bytes.Buffer
	r, err := capacity.RunWorkers(context.Background(), cfg, 2, testWorker, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, capacity.Counts{Total: 5, Established: 5}, r.Final)
	assert.Equal(t, 5, r.Connections)
	assert.Equal(t, 9, r.RunConnections)
	assert.Equal(t, cfg.Segment, r.Segment)
	assert.Equal(t, cfg.ID(), r.RunID)
	assert.Equal(t, "127.0.0.1-127.0.0.2", capacity.FormatSources(r.Sources), "the segment's half of the sources")
	assert.True(t, r.Start.Equal(cfg.StartAt), "the run's clock starts at StartAt")
	assert.True(t, r.Reached)
	require.NotEmpty(t, r.Timeline)
	assert.Positive(t, r.Timeline[0].At, "no sample before the start")
	assert.Equal(t, r.Final, r.Timeline[len(r.Timeline)-1].Counts)
	srv.waitAccepted(t, 5)
}
