package server_test

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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The soak runs the server in a process of its own, so that its memory
// and goroutines are the server's alone, under a steady mix of clients
// from the test's process, and compares the first minute with the last.
//
//	LEAKLAB_SOAK=3m go test -run '^TestSoak$' -count=1 -v -timeout 30m ./server/
const (
	soakEnv      = "LEAKLAB_SOAK"       // the soak's duration; unset: no soak
	soakChildEnv = "LEAKLAB_SOAK_CHILD" // set in the server process
	soakEvery    = 5 * time.Second      // period of the samples
	soakDelay    = 100 * time.Millisecond
	soakHeader   = time.Second // the server's ReadHeaderTimeout
	soakLeakCap  = 100         // mean of the connections a faulty client leaks before it releases them
)

// soakServerConfig is the server of the soak: the default one, a hundred times
// faster (delay, header timeout), with its default guards.
func soakServerConfig() server.Config {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReadHeaderTimeout, cfg.ReportEvery, cfg.ShutdownGrace = "127.0.0.1:0", soakDelay, soakHeader, 0, time.Second
	return cfg
}

// soakDuration reads LEAKLAB_SOAK, skipping the test when it is unset.
func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv(soakEnv)
	if v == "" {
		t.Skipf("a soak of minutes: run it with %s=3m (make soak)", soakEnv)
	}
	d, err := time.ParseDuration(v)
	require.NoError(t, err, "%s=%q: want a Go duration such as 3m", soakEnv, v)
	require.GreaterOrEqual(t, d, 30*time.Second, "%s=%v: want at least 30s, a few minutes to judge drift", soakEnv, d)
	return d
}

// TestSoakServerProcess is the soak's server: it runs only in the process
// TestSoak starts. It prints its address, then answers each line on its
// stdin with its Stats as one line of JSON, read right after a GC so that
// the heap is live data, not garbage awaiting collection. It stops when
// its stdin closes, or after the soak's duration and two minutes more.
func TestSoakServerProcess(t *testing.T) {
	if os.Getenv(soakChildEnv) == "" {
		t.Skip("the soak's server process; TestSoak starts it")
	}
	s := server.New(soakServerConfig())
	require.NoError(t, s.Start())
	defer func() { assert.NoError(t, s.Close()) }()
	fmt.Printf("soak-addr %s\n", s.Addr())
	lines := make(chan struct{})
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(os.Stdin); sc.Scan(); {
			lines <- struct{}{}
		}
	}()
	limit := time.After(soakDuration(t) + 2*time.Minute)
	enc := json.NewEncoder(os.Stdout)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return
			}
			runtime.GC()
			require.NoError(t, enc.Encode(s.Stats(context.Background())))
		case <-limit:
			t.Error("the soak never closed the server's stdin")
			return
		}
	}
}

// soakServer is the soak's server process, seen from TestSoak.
type soakServer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	addr  string
}

// startSoakServer starts the test binary again as the soak's server, for
// a soak of d, and reads its address; t's cleanup stops it.
func startSoakServer(t *testing.T, d time.Duration) *soakServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoakServerProcess$", "-test.count=1", "-test.timeout="+(d+3*time.Minute).String())
	cmd.Env, cmd.Stderr = append(os.Environ(), soakChildEnv+"=1"), os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &soakServer{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	t.Cleanup(func() { _ = p.stop() })
	for p.addr == "" && p.out.Scan() {
		p.addr, _ = strings.CutPrefix(p.out.Text(), "soak-addr ")
	}
	require.NotEmpty(t, p.addr, "the soak server prints its address")
	return p
}

// sample asks the server process for its stats.
func (p *soakServer) sample() (server.Stats, error) {
	var st server.Stats
	if _, err := fmt.Fprintln(p.stdin); err != nil {
		return st, fmt.Errorf("ask the soak server for stats: %w", err)
	}
	if !p.out.Scan() {
		return st, fmt.Errorf("the soak server did not answer with its stats: %v", p.out.Err())
	}
	return st, json.Unmarshal(p.out.Bytes(), &st)
}

// stop closes the server's stdin and waits for it to exit (30 s at most),
// reporting a failed run: an error, or a goroutine left behind.
func (p *soakServer) stop() error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	p.stdin.Close()
	timer := time.AfterFunc(30*time.Second, func() { _ = p.cmd.Process.Kill() })
	defer timer.Stop()
	for p.out.Scan() { // the test framework's last words
	}
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("soak server: %w (its errors are above)", err)
	}
	return nil
}

// soakCounts are what the soak's clients saw.
type soakCounts struct {
	fixedOK, fixedFailed   atomic.Int64
	faultyOK, faultyFailed atomic.Int64
	released               atomic.Int64 // times a faulty client released its leak
	slowCuts, idleCuts     atomic.Int64 // connections the server closed
	tooLarge, otherLarge   atomic.Int64 // oversized headers: 431, or anything else
}

// soakLoad runs the mix of clients until ctx is done: two fixed clients
// and four faulty ones (which leak 50, 75, 100 and 125 connections, then
// release them, out of step), four slowloris tricklers, eight silent
// connections and one oversized header every half second.
func soakLoad(ctx context.Context, addr string, n *soakCounts) {
	url := "http://" + addr + "/?delay=" + soakDelay.String()
	var wg sync.WaitGroup
	fixed := &http.Client{Transport: &http.Transport{MaxIdleConns: 5, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}, Timeout: 10 * time.Second}
	defer fixed.CloseIdleConnections()
	run := func(times int, f func()) {
		for range times {
			wg.Add(1)
			go func() { defer wg.Done(); f() }()
		}
	}
	run(2, func() { fixedLoop(ctx, fixed, url, n) })
	for i := range 4 {
		run(1, func() { faultyLoop(ctx, url, soakLeakCap*(i+2)/4, n) })
	}
	run(4, func() { slowloris(ctx, addr, &n.slowCuts) })
	run(8, func() { silentLoop(ctx, addr, &n.idleCuts) })
	run(1, func() { oversizedLoop(ctx, "http://"+addr+"/ping", n) })
	wg.Wait()
}

// outcome drains and closes a response and reports whether it was a 200.
func outcome(resp *http.Response, err error) bool {
	drain(resp, err)
	return err == nil && resp.StatusCode == http.StatusOK
}

func fixedLoop(ctx context.Context, c *http.Client, url string, n *soakCounts) {
	for ctx.Err() == nil {
		resp, err := doCtx(ctx, c, url)
		switch {
		case outcome(resp, err):
			n.fixedOK.Add(1)
		case ctx.Err() == nil:
			n.fixedFailed.Add(1)
			c.CloseIdleConnections()
		}
	}
}

// faultyLoop builds a client, and a Transport, per request and never
// closes their idle connections until it holds leakCap of them.
func faultyLoop(ctx context.Context, url string, leakCap int, n *soakCounts) {
	var leaked []*http.Transport
	release := func() {
		for _, tr := range leaked {
			tr.CloseIdleConnections()
		}
		leaked = leaked[:0]
	}
	defer release()
	for ctx.Err() == nil {
		if len(leaked) == leakCap {
			release()
			n.released.Add(1)
		}
		//leaklab:allow transportpercall the faulty client of the soak
		tr := &http.Transport{}
		leaked = append(leaked, tr)
		resp, err := doCtx(ctx, &http.Client{Transport: tr, Timeout: 10 * time.Second}, url)
		switch {
		case outcome(resp, err):
			n.faultyOK.Add(1)
		case ctx.Err() == nil:
			n.faultyFailed.Add(1)
		}
	}
}

// silentLoop opens a connection, sends nothing and waits for the server
// to close it, over and over.
func silentLoop(ctx context.Context, addr string, cuts *atomic.Int64) {
	var d net.Dialer
	for ctx.Err() == nil {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			continue
		}
		stop := context.AfterFunc(ctx, func() { c.Close() })
		if _, err := io.Copy(io.Discard, c); err == nil && ctx.Err() == nil {
			cuts.Add(1) // EOF: the server closed it
		}
		stop()
		c.Close()
	}
}

// oversizedLoop sends a request with headers twice the limit every half
// second.
func oversizedLoop(ctx context.Context, url string, n *soakCounts) {
	c := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	big := strings.Repeat("a", 2*server.DefaultMaxHeaderBytes)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("X-Big", big)
		resp, err := c.Do(req)
		drain(resp, err)
		switch {
		case err == nil && resp.StatusCode == http.StatusRequestHeaderFieldsTooLarge:
			n.tooLarge.Add(1)
		case ctx.Err() == nil:
			n.otherLarge.Add(1)
		}
	}
}

// soakSample is one sample of the server's Stats.
type soakSample struct {
	at time.Duration
	st server.Stats
}

// sampleSoak samples the server every soakEvery until ctx is done.
func sampleSoak(ctx context.Context, t *testing.T, p *soakServer) []soakSample {
	begin := time.Now()
	tick := time.NewTicker(soakEvery)
	defer tick.Stop()
	var samples []soakSample
	for {
		select {
		case <-ctx.Done():
			return samples
		case <-tick.C:
		}
		st, err := p.sample()
		if !assert.NoError(t, err) {
			return samples
		}
		samples = append(samples, soakSample{time.Since(begin), st})
	}
}

// TestSoak runs the server for LEAKLAB_SOAK under the mix of soakLoad and
// checks that it holds steady, the mean of the last minute against the
// mean of the first (a third of the run each when it is shorter than
// three minutes): goroutines within 25 % + 20, and those beyond one per
// open connection within 5; RSS within 25 % + 16 MiB; the live heap
// within 50 % + 4 MiB (the server reads its memory right after a GC).
// Every fixed request must succeed, and the server process must stop
// cleanly, its goroutine leak check included. It prints the figures as a
// Markdown table.
func TestSoak(t *testing.T) {
	d := soakDuration(t)
	p := startSoakServer(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n soakCounts
	done := make(chan struct{})
	go func() { defer close(done); soakLoad(ctx, p.addr, &n) }()
	samples := sampleSoak(ctx, t, p)
	<-done
	require.NoError(t, p.stop(), "the server stops cleanly and leaks no goroutine")

	window := min(time.Minute, d/3)
	first, last := soakMean(samples, 0, window), soakMean(samples, d-window, d)
	printSoak(os.Stdout, d, first, last, samples, &n)
	assert.LessOrEqual(t, last.goroutines, first.goroutines*1.25+20, "goroutines drift")
	assert.LessOrEqual(t, last.goroutines-last.open, first.goroutines-first.open+5, "goroutines not tied to a connection drift")
	assert.LessOrEqual(t, last.rss, first.rss*1.25+16, "RSS drift (MiB)")
	assert.LessOrEqual(t, last.liveHeap, first.liveHeap*1.5+4, "live heap drift (MiB)")
	assert.Zero(t, n.fixedFailed.Load(), "the fixed clients are served throughout")
	assert.Positive(t, n.slowCuts.Load()+n.idleCuts.Load(), "the header timeout cuts the hostile clients")
	assert.Positive(t, n.tooLarge.Load(), "oversized headers get 431")
}

// soakFigures are means over the samples of a window.
type soakFigures struct {
	samples                   int
	rss, heap, liveHeap       float64 // MiB
	goroutines, open, kernelE float64
}

func soakMean(samples []soakSample, from, to time.Duration) soakFigures {
	var f soakFigures
	for _, s := range samples {
		if s.at < from || s.at > to {
			continue
		}
		m := s.st.Memory
		f.samples++
		f.rss += mib(m.RSSBytes)
		f.heap += mib(m.HeapBytes)
		f.liveHeap += mib(m.LiveHeapBytes)
		f.goroutines += float64(m.Goroutines)
		f.open += float64(s.st.Conns.Open)
		f.kernelE += float64(s.st.Kernel[netstat.Established])
	}
	if f.samples > 0 {
		k := float64(f.samples)
		f.rss, f.heap, f.liveHeap, f.goroutines, f.open, f.kernelE = f.rss/k, f.heap/k, f.liveHeap/k, f.goroutines/k, f.open/k, f.kernelE/k
	}
	return f
}

// byMinute is one figure's mean over each minute of the soak.
func byMinute(samples []soakSample, d time.Duration, figure func(soakFigures) float64) string {
	var out []string
	for from := time.Duration(0); from < d; from += time.Minute {
		if f := soakMean(samples, from, from+time.Minute); f.samples > 0 {
			out = append(out, fmt.Sprintf("%.1f", figure(f)))
		}
	}
	return strings.Join(out, " ")
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// printSoak writes the soak's figures as Markdown.
func printSoak(w io.Writer, d time.Duration, first, last soakFigures, samples []soakSample, n *soakCounts) {
	fmt.Fprintf(w, "\nsoak of %v, %d samples every %v; means of the first and last %v (%d and %d samples)\n\n",
		d, len(samples), soakEvery, min(time.Minute, d/3), first.samples, last.samples)
	fmt.Fprintln(w, "| server figure | first | last | drift |\n|---|---:|---:|---:|")
	row := func(name string, a, b float64) {
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %+.1f (%+.0f %%) |\n", name, a, b, b-a, 100*(b-a)/max(a, 1e-9))
	}
	row("RSS (MiB)", first.rss, last.rss)
	row("Go heap in use (MiB)", first.heap, last.heap)
	row("live heap after GC (MiB)", first.liveHeap, last.liveHeap)
	row("goroutines", first.goroutines, last.goroutines)
	row("open connections (ConnState)", first.open, last.open)
	row("goroutines beyond one per open connection", first.goroutines-first.open, last.goroutines-last.open)
	row("ESTABLISHED (kernel)", first.kernelE, last.kernelE)
	fmt.Fprintf(w, "\nby minute, RSS (MiB): %s; goroutines beyond one per open connection: %s\n",
		byMinute(samples, d, func(f soakFigures) float64 { return f.rss }),
		byMinute(samples, d, func(f soakFigures) float64 { return f.goroutines - f.open }))
	if len(samples) > 0 {
		st := samples[len(samples)-1].st
		fmt.Fprintf(w, "\nserver at the last sample: accepted %d, served %d, header timeouts %d, refused %d\n",
			st.Conns.Accepted, st.Served, st.HeaderTimeouts, st.Refused)
	}
	fmt.Fprintf(w, "clients: fixed %d ok / %d failed; faulty %d ok / %d failed, %d releases of %d leaked connections on average; slowloris cut %d; silent cut %d; oversized headers 431 %d / other %d\n",
		n.fixedOK.Load(), n.fixedFailed.Load(), n.faultyOK.Load(), n.faultyFailed.Load(), n.released.Load(), soakLeakCap,
		n.slowCuts.Load(), n.idleCuts.Load(), n.tooLarge.Load(), n.otherLarge.Load())
}
