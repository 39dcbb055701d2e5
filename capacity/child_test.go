package capacity_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/require"
)

// The benchmarks measure a server, a tester or a bare dial loop each in
// a process of its own: both ends of a connection in one process would
// share its open-files limit, and memory is only honest in a fresh
// process. The test binary plays these roles when childEnv names one.
// A server role prints its address, then answers each line on stdin with
// its stats as JSON, and exits when stdin closes.

// childStats is what a child server reports about itself.
type childStats struct {
	Open     int    `json:"open"`
	Idle     int    `json:"idle"`
	InFlight int64  `json:"in_flight"`
	RSS      uint64 `json:"rss"`
	Heap     uint64 `json:"heap"`  // HeapInuse after a GC
	Stack    uint64 `json:"stack"` // StackInuse
	// Reported is the leaklab server's own report of memory per
	// connection (RSS, heap), from its Stats.
	Reported server.Memory `json:"reported"`
}

func runChild(role string) int {
	var err error
	switch role {
	case "hold":
		err = childHold()
	case "leaklab-server":
		err = childLeaklab()
	case "net/http":
		err = childNetHTTP()
	case "bare":
		err = childBare()
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// serveControl prints addr, then one stats line per line read on stdin.
func serveControl(addr string, stats func(*childStats)) {
	fmt.Println(addr)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		st := childStats{RSS: rssOf(os.Getpid()), Heap: ms.HeapInuse, Stack: ms.StackInuse}
		stats(&st)
		b, _ := json.Marshal(st)
		fmt.Println(string(b))
	}
}

// childHold accepts and holds connections, one small reader each.
func childHold() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var open atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				time.Sleep(10 * time.Millisecond) // EMFILE: let connections close
				continue
			}
			open.Add(1)
			go func() {
				defer open.Add(-1)
				defer c.Close()
				buf := make([]byte, 64)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	serveControl(ln.Addr().String(), func(s *childStats) { s.Open = int(open.Load()) })
	return nil
}

func childLeaklab() error {
	cfg := server.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.ReportEvery = 0
	cfg.ShutdownGrace = 0
	s := server.New(cfg)
	if err := s.Start(); err != nil {
		return err
	}
	defer s.Close()
	serveControl(s.Addr().String(), func(c *childStats) {
		st := s.Stats(context.Background())
		c.Open, c.Idle, c.InFlight, c.Reported = st.Conns.Open, st.Conns.Idle, st.InFlight, st.Memory
	})
	return nil
}

// childNetHTTP is the plain reference: net/http with a /ping handler and
// a "/" that waits until the client leaves.
func childNetHTTP() error {
	var inFlight atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "pong\n") })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		<-r.Context().Done()
	})
	states := connStates{m: map[net.Conn]http.ConnState{}}
	hs := &http.Server{Handler: mux, ConnState: states.set}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	serveControl(ln.Addr().String(), func(s *childStats) {
		s.Open, s.Idle = states.counts()
		s.InFlight = inFlight.Load()
	})
	return nil
}

// connStates follows net/http connections through ConnState.
type connStates struct {
	mu sync.Mutex
	m  map[net.Conn]http.ConnState
}

func (c *connStates) set(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st == http.StateClosed || st == http.StateHijacked {
		delete(c.m, conn)
		return
	}
	c.m[conn] = st
}

func (c *connStates) counts() (open, idle int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		if st == http.StateIdle {
			idle++
		}
	}
	return len(c.m), idle
}

// bareResult is what the bare dial loop measured.
type bareResult struct {
	Conns   int     `json:"conns"`
	Seconds float64 `json:"seconds"`
	RSS     uint64  `json:"rss_growth"`
}

// childBare dials BARE_N connections to BARE_TARGET over 64 goroutines,
// with a reader goroutine per connection when BARE_READER is set, and
// prints what it cost.
func childBare() error {
	n, _ := strconv.Atoi(os.Getenv("BARE_N"))
	before := rssOf(os.Getpid())
	conns, secs, err := dialLoop(os.Getenv("BARE_TARGET"), n, 64, net.Dial)
	if err != nil {
		return err
	}
	if os.Getenv("BARE_READER") != "" {
		// Measure once every reader runs, its stack and buffer allocated.
		var running sync.WaitGroup
		running.Add(len(conns))
		for _, c := range conns {
			go func() {
				buf := make([]byte, 64)
				running.Done()
				_, _ = c.Read(buf)
			}()
		}
		running.Wait()
	}
	res := bareResult{Conns: n, Seconds: secs, RSS: rssOf(os.Getpid()) - before}
	closeAll(conns)
	return json.NewEncoder(os.Stdout).Encode(res)
}

// dialLoop is the plain reference: workers goroutines call dial until n
// connections are open; it returns them and the seconds it took.
func dialLoop(target string, n, workers int, dial func(network, addr string) (net.Conn, error)) ([]net.Conn, float64, error) {
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				c, err := dial("tcp", target)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	if first != nil {
		closeAll(conns)
		return nil, 0, first
	}
	return conns, secs, nil
}

// closeAll closes with a RST, so no socket is left in TIME_WAIT.
func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
			_ = tc.Close()
		}
	}
}

func rssOf(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0
	}
	var size, res uint64
	_, _ = fmt.Sscan(string(b), &size, &res)
	return res * uint64(os.Getpagesize())
}

// child is a running helper process.
type child struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
}

func startChild(tb testing.TB, role string, env ...string) *child {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(tb, err)
	out, err := cmd.StdoutPipe()
	require.NoError(tb, err)
	require.NoError(tb, cmd.Start())
	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	tb.Cleanup(c.stop)
	if role != "bare" {
		require.True(tb, c.out.Scan(), "child %s printed no address", role)
		c.addr = strings.TrimSpace(c.out.Text())
	}
	return c
}

func (c *child) stats(tb testing.TB) childStats {
	tb.Helper()
	_, err := io.WriteString(c.in, "stats\n")
	require.NoError(tb, err)
	require.True(tb, c.out.Scan())
	var st childStats
	require.NoError(tb, json.Unmarshal(c.out.Bytes(), &st))
	return st
}

func (c *child) stop() {
	_ = c.in.Close()
	_ = c.cmd.Wait()
}
