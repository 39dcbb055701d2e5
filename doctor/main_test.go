package doctor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/netstat"
	"go.uber.org/goleak"
)

// leaklabBin is the leaklab binary TestMain builds, to run the kit's
// clients as processes of their own.
var leaklabBin string

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	dir, err := os.MkdirTemp("", "doctor-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	leaklabBin = filepath.Join(dir, "leaklab")
	if out, err := exec.Command("go", "build", "-o", leaklabBin, "../cmd/leaklab").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build leaklab: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(cleanup{m, dir})
}

// cleanup removes the binary's directory once the tests ran (before
// goleak.VerifyTestMain exits).
type cleanup struct {
	m   *testing.M
	dir string
}

func (c cleanup) Run() int {
	defer os.RemoveAll(c.dir)
	return c.m.Run()
}

// Deadlines of the tests: generous, the machine is shared.
// slowDuration bounds the watches that end after a number of samples: a
// census of a namespace full of other processes' sockets can take seconds.
const (
	readyTimeout = 20 * time.Second
	fastInterval = 200 * time.Millisecond
	slowDuration = 5 * time.Minute
)

// child is a process a test watches.
type child struct {
	cmd   *exec.Cmd
	first string // its first line on stdout
	done  chan struct{}
}

func (c *child) pid() int32 { return int32(c.cmd.Process.Pid) }

// startChild starts a command, waits for its first line on stdout and
// kills it when the test ends.
func startChild(t testing.TB, name string, args ...string) *child {
	t.Helper()
	return startChildEnv(t, nil, name, args...)
}

func startChildEnv(t testing.TB, env []string, name string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- strings.TrimSpace(line)
		io.Copy(io.Discard, r)
	}()
	go func() { cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-c.done })
	select {
	case c.first = <-lines:
	case <-time.After(readyTimeout):
		t.Fatalf("%s %v did not say it was ready within %v", name, args, readyTimeout)
	}
	require.NotEmpty(t, c.first, "%s %v exited before it was ready", name, args)
	return c
}

// python starts testdata/leaky.py in one of its modes.
func python(t *testing.T, args ...string) *child {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	return startChild(t, "python3", append([]string{"testdata/leaky.py"}, args...)...)
}

// holder accepts connections on 127.0.0.1 and holds them until the test
// ends; with answer set, it reads one byte of each and answers one after
// delay, then closes once the client has.
type holder struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func newHolder(t *testing.T, answer bool, delay time.Duration) *holder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	h := &holder{ln: ln}
	h.wg.Add(1)
	go h.accept(answer, delay)
	t.Cleanup(h.close)
	return h
}

func (h *holder) port() int { return h.ln.Addr().(*net.TCPAddr).Port }

func (h *holder) accept(answer bool, delay time.Duration) {
	defer h.wg.Done()
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		if !answer {
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
			continue
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(readyTimeout))
			b := make([]byte, 1)
			if _, err := c.Read(b); err != nil {
				return
			}
			time.Sleep(delay)
			c.Write(b)
			c.Read(b) // until the client closes
		}()
	}
}

func (h *holder) close() {
	h.ln.Close()
	h.mu.Lock()
	for _, c := range h.conns {
		c.Close()
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// watchFor runs a watch of cfg and returns it, failing the test on error.
func watchFor(t *testing.T, cfg Config) *watch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration+30*time.Second)
	defer cancel()
	var status strings.Builder
	w, err := start(ctx, cfg, &status)
	require.NoError(t, err)
	t.Logf("status lines:\n%s", status.String())
	return w
}

// groupOf finds the group of a state on a side, and to a peer port when
// port is not 0.
func groupOf(r Report, side, state string, port int) (Group, bool) {
	for _, g := range r.Groups {
		if string(g.Side) == side && g.State == state && (port == 0 || int(g.Peer.Port()) == port || int(g.Port) == port) {
			return g, true
		}
	}
	return Group{}, false
}

// onLine is an io.Writer for status lines that calls fn once, at the
// n-th line.
type onLine struct {
	mu   sync.Mutex
	n    int
	fn   func()
	seen int
}

func (o *onLine) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen += strings.Count(string(p), "\n")
	if o.fn != nil && o.seen >= o.n {
		o.fn()
		o.fn = nil
	}
	return len(p), nil
}

// text renders the report for the test log.
func text(t *testing.T, r Report) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, r.WriteText(&b))
	return b.String()
}

// waitSockets waits until pid holds a socket: the watch then starts on a
// warmed-up process, as it would in production.
func waitSockets(t *testing.T, pid int32) {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		snap, err := netstat.Take(context.Background(), netstat.Selector{Pid: pid, States: []string{netstat.Established}})
		require.NoError(t, err)
		if len(snap.Sockets) > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d opened no connection within %v", pid, readyTimeout)
}

// dialAndClose dials 127.0.0.1:port every period and closes at once,
// until stop is called.
func dialAndClose(t *testing.T, port int, period time.Duration) (stop func()) {
	t.Helper()
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(period)
		defer tick.Stop()
		for i := 0; i < 2000; i++ {
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				c.Close()
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

func mustAddrPort(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
