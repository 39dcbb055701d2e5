package capacity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/capacity"
	"github.com/stretchr/testify/require"
)

// The figures of docs/BENCHMARKS.md, "## Capacity":
//
//	go test -run '^$' -bench . -benchtime 3x ./capacity/
//
// Each benchmark holds thousands of connections to a helper process (see
// child_test.go) and reports its figure as a metric next to a plain
// reference measured in the same run. ns/op is the time of one whole
// iteration and says little.

const (
	openConns   = 15000 // connections of the rate benchmark
	memConns    = 10000 // connections of the memory benchmarks
	mostConns   = 19900 // connections held by one process (limit 20000)
	benchSource = "127.0.0.1-127.0.0.4"
)

func benchConfig(tb testing.TB, target string, n int, sources string) capacity.Config {
	cfg := capacity.DefaultConfig()
	cfg.Target, cfg.Connections, cfg.Delay, cfg.Hold = target, n, 0, 0
	cfg.Reset = true // no TIME_WAIT left for the next iteration
	cfg.MaxDuration = 2 * time.Minute
	var err error
	cfg.Sources, err = capacity.ParseSources(sources)
	require.NoError(tb, err)
	return cfg
}

// BenchmarkOpen measures connections opened and kept per second: the
// tester and a bare loop of DialConcurrency goroutines dialling, one after
// the other in each iteration (in turns, so a change of load on the
// machine hits both), from four source addresses and from one.
func BenchmarkOpen(b *testing.B) {
	srv := startChild(b, "hold")
	sources, _ := capacity.ParseSources(benchSource)
	for _, bc := range []struct {
		name    string
		sources string
		plain   func(network, addr string) (net.Conn, error)
	}{
		{"4-sources", benchSource, sourcesDial(sources)},
		{"1-source", "", net.Dial},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var tester, plain float64
			for i := range b.N {
				runs := []func(){
					func() { tester += testerRate(b, benchConfig(b, srv.addr, openConns, bc.sources)) },
					func() { plain += plainRate(b, srv.addr, bc.plain) },
				}
				for j := range runs {
					runs[(i+j)%2]()
					waitEmpty(b, srv)
				}
			}
			b.ReportMetric(tester/float64(b.N), "tester-conns/s")
			b.ReportMetric(plain/float64(b.N), "plain-conns/s")
			b.ReportMetric(100*tester/plain, "tester-%-of-plain")
		})
	}
}

func testerRate(b *testing.B, cfg capacity.Config) float64 {
	res, err := capacity.Run(context.Background(), cfg)
	require.NoError(b, err)
	require.True(b, res.Reached, "%+v", res.ErrorsByCause)
	return res.Rate
}

func plainRate(b *testing.B, target string, dial func(network, addr string) (net.Conn, error)) float64 {
	conns, secs, err := dialLoop(target, openConns, capacity.DefaultDialConcurrency, dial)
	require.NoError(b, err)
	closeAll(conns)
	return float64(openConns) / secs
}

// sourcesDial dials from each source in turn, as the tester does, keep-
// alive probes off and the port picked at connect() time.
func sourcesDial(sources []netip.Addr) func(network, addr string) (net.Conn, error) {
	var n atomic.Int64
	dialers := make([]*net.Dialer, len(sources))
	for i, s := range sources {
		dialers[i] = &net.Dialer{KeepAlive: -1, LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(s, 0)),
			Control: bindNoPortControl}
	}
	return func(network, addr string) (net.Conn, error) {
		return dialers[int(n.Add(1))%len(dialers)].Dial(network, addr)
	}
}

// waitEmpty waits until the helper server has closed every connection.
func waitEmpty(tb testing.TB, srv *child) {
	deadline := time.Now().Add(30 * time.Second)
	for srv.stats(tb).Open > 0 {
		require.True(tb, time.Now().Before(deadline), "the helper server still holds connections")
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkTesterMemory measures the tester's own memory per held TCP
// connection, each run in a fresh process, next to bare net.Conns held
// without and with a reader goroutine each.
func BenchmarkTesterMemory(b *testing.B) {
	srv := startChild(b, "hold")
	b.Run("tester/tcp", func(b *testing.B) {
		var sum float64
		for range b.N {
			cfg := benchConfig(b, srv.addr, memConns, "127.0.0.1-127.0.0.2")
			res, err := capacity.RunWorkers(context.Background(), cfg, 1, benchWorker, os.Stderr)
			require.NoError(b, err)
			sum += float64(res.Memory.PerConnBytes)
			waitEmpty(b, srv)
		}
		b.ReportMetric(sum/float64(b.N), "B/conn")
	})
	for _, bc := range []struct{ name, reader string }{{"bare-net.Conn", ""}, {"bare-net.Conn+goroutine", "1"}} {
		b.Run(bc.name, func(b *testing.B) {
			var sum float64
			for range b.N {
				sum += bareMemory(b, srv.addr, bc.reader)
				waitEmpty(b, srv)
			}
			b.ReportMetric(sum/float64(b.N), "B/conn")
		})
	}
}

func benchWorker(ctx context.Context) *exec.Cmd {
	return exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
}

func bareMemory(b *testing.B, target, reader string) float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=bare", "BARE_TARGET="+target, fmt.Sprint("BARE_N=", memConns), "BARE_READER="+reader)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(b, err)
	var res bareResult
	require.NoError(b, json.Unmarshal(out, &res))
	return float64(res.RSS) / float64(res.Conns)
}

// BenchmarkServerMemory measures what a server holds per connection, a
// request in flight on each or each idle after one answer, in a fresh
// process: leaklab's server next to a bare net/http server. rss is the
// growth of the resident memory, go the growth of the Go heap and
// stacks after a GC; reported-rss and reported-go are what the leaklab
// server says of itself in /stats.
func BenchmarkServerMemory(b *testing.B) {
	for _, bc := range []struct{ role, kind, path string }{
		{"leaklab-server", "inflight", "/?delay=5m"},
		{"net/http", "inflight", "/"},
		{"leaklab-server", "idle", "/ping"},
		{"net/http", "idle", "/ping"},
	} {
		b.Run(bc.role+"/"+bc.kind, func(b *testing.B) {
			var sum serverMemory
			for range b.N {
				sum = sum.add(measureServer(b, bc.role, bc.kind, bc.path))
			}
			sum.report(b, float64(b.N))
		})
	}
}

type serverMemory struct{ rss, goMem, reportedRSS, reportedGo float64 }

func (m serverMemory) add(o serverMemory) serverMemory {
	return serverMemory{m.rss + o.rss, m.goMem + o.goMem, m.reportedRSS + o.reportedRSS, m.reportedGo + o.reportedGo}
}

func (m serverMemory) report(b *testing.B, n float64) {
	b.ReportMetric(m.rss/n, "rss-B/conn")
	b.ReportMetric(m.goMem/n, "go-B/conn")
	if m.reportedRSS > 0 {
		b.ReportMetric(m.reportedRSS/n, "reported-rss-B/conn")
		b.ReportMetric(m.reportedGo/n, "reported-go-B/conn")
	}
}

// measureServer starts a fresh server, holds memConns connections to it
// in HTTP mode, and returns what each one added.
func measureServer(b *testing.B, role, kind, path string) serverMemory {
	srv := startChild(b, role)
	defer srv.stop()
	before := srv.stats(b)
	cfg := benchConfig(b, srv.addr, memConns, "127.0.0.1-127.0.0.2")
	cfg.Mode, cfg.Path, cfg.Hold, cfg.MaxDuration = capacity.ModeHTTP, path, time.Hour, 0
	tr, err := capacity.New(cfg)
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan capacity.Result, 1)
	go func() { done <- tr.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Poll the tester, not the server: the leaklab server's stats run a
	// census whose garbage would grow the very memory measured here.
	deadline := time.Now().Add(time.Minute)
	for tr.Counts().Established < memConns {
		require.True(b, time.Now().Before(deadline), "tester %+v", tr.Counts())
		time.Sleep(20 * time.Millisecond)
	}
	var after childStats
	for { // the server's memory settles over seconds: poll it, bounded by the deadline
		time.Sleep(time.Second)
		if after = srv.stats(b); settled(after, kind) {
			break
		}
		require.True(b, time.Now().Before(deadline), "server stats %+v, tester %+v", after, tr.Counts())
	}
	n := float64(after.Open)
	return serverMemory{
		rss:         float64(after.RSS-before.RSS) / n,
		goMem:       float64(after.Heap+after.Stack-before.Heap-before.Stack) / n,
		reportedRSS: float64(after.Reported.RSSGrowthPerConnBytes),
		reportedGo:  float64(after.Reported.GoPerConnBytes),
	}
}

func settled(st childStats, kind string) bool {
	if kind == "idle" {
		return st.Idle == memConns
	}
	return st.InFlight == memConns
}

// BenchmarkHoldMost holds mostConns connections in this one process, its
// open-files limit (20,000 here) less ReservedFiles the only bound; the
// helper server holds the other ends in its own process. The reference
// is the bare dial loop holding as many.
func BenchmarkHoldMost(b *testing.B) {
	srv := startChild(b, "hold")
	sources, _ := capacity.ParseSources("127.0.0.1-127.0.0.2")
	b.Run("tester", func(b *testing.B) {
		var peak int
		for range b.N {
			cfg := benchConfig(b, srv.addr, mostConns, "127.0.0.1-127.0.0.2")
			cfg.Hold = time.Second
			res, err := capacity.Run(context.Background(), cfg)
			require.NoError(b, err)
			peak = max(peak, res.Peak)
			waitEmpty(b, srv)
		}
		b.ReportMetric(float64(peak), "conns")
	})
	b.Run("net.Dialer", func(b *testing.B) {
		for range b.N {
			conns, _, err := dialLoop(srv.addr, mostConns, capacity.DefaultDialConcurrency, sourcesDial(sources))
			require.NoError(b, err)
			closeAll(conns)
			waitEmpty(b, srv)
		}
		b.ReportMetric(mostConns, "conns")
	})
}
