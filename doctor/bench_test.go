package doctor

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/internal/cgrouptest"
)

// Sockets of the benchmark: the watched process (a helper) holds benchPairs
// loopback connections (both ends: 5,000 sockets) while benchOthers
// helper processes hold benchPairsEach each (40,000 sockets in all):
// spread over processes, under the 20,000 open files a process may have.
const (
	benchPairs     = 2500
	benchOthers    = 4
	benchPairsEach = 5000
)

// BenchmarkSample is one sample of a watch by pid of another process, as
// `leaklab doctor -pid N` watches one, holding 5,000 sockets, with 40,000
// others in the namespace: "pid" is the census of
// the process alone (most samples), "pid+time_wait" adds the read of the
// namespace's TIME_WAIT sockets (once a second at most).
//
// It runs twice: with the other sockets' holders in a cgroup of their own
// (others-apart: the watched process's cgroup holds its sockets alone, as
// a service's or a container's does, and the kernel describes only
// those), where the test may make one (root, cgroup v2); and with them in
// the watched process's cgroup (others-in-cgroup), where the kernel
// describes all 45,000.
func BenchmarkSample(b *testing.B) {
	watched := startChildEnv(b, []string{helperEnv + "=hold", helperTarget + "=" + strconv.Itoa(benchPairs)}, osArgs0())
	b.Run("others-apart", func(b *testing.B) {
		dir, err := cgrouptest.New(b)
		if err != nil {
			b.Skip(err)
		}
		benchSamples(b, watched.pid(), cgrouptest.Env+"="+dir)
	})
	b.Run("others-in-cgroup", func(b *testing.B) { benchSamples(b, watched.pid()) })
}

func benchSamples(b *testing.B, pid int32, env ...string) {
	for range benchOthers {
		startChildEnv(b, append([]string{helperEnv + "=hold", helperTarget + "=" + strconv.Itoa(benchPairsEach)}, env...), osArgs0())
	}
	cfg := Config{Pid: pid}.WithDefaults()
	for _, tc := range []struct {
		name     string
		timeWait bool
	}{{"pid", false}, {"pid+time_wait", true}} {
		b.Run(tc.name, func(b *testing.B) {
			s := newSampler(cfg, time.Now())
			s.timeWait = tc.timeWait
			s.cfg.TimeWaitInterval = 0 // read TIME_WAIT at every sample
			smp, err := s.take(context.Background())
			require.NoError(b, err)
			require.GreaterOrEqual(b, smp.Sockets, 2*benchPairs)
			for b.Loop() {
				if _, err := s.take(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
