package capacity_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/leaklab/leaklab/capacity"
	"go.uber.org/goleak"
)

// childEnv makes the test binary one of the helper processes of the
// benchmarks instead of running tests (see bench_test.go).
const childEnv = "LEAKLAB_CAPACITY_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(capacity.WorkerEnv); spec != "" {
		os.Exit(serveWorker(spec))
	}
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role))
	}
	goleak.VerifyTestMain(m)
}

// serveWorker is what leaklab does when RunWorkers starts it.
func serveWorker(spec string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := capacity.ServeWorker(ctx, spec, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
