//go:build linux

package netstat_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/leaklab/leaklab/internal/cgrouptest"
	"github.com/leaklab/leaklab/internal/oslimits"
	"github.com/leaklab/leaklab/netstat"
)

// The large benchmarks hold tens of thousands of connections, more than
// one process's 20,000 open files, so helper processes (this test binary
// again, told its role by childEnv) hold them: a holder accepts and keeps
// every connection to its listener and prints the listener's address; a
// dialler opens connections to an address from a source address and
// prints "ready". Both close every connection with a RST (SO_LINGER 0),
// leaving no TIME_WAIT behind, and exit when their stdin closes. TCP
// keep-alive is off on both ends: tens of thousands of connections opened
// within a second send their probes in the same instant every 15 s,
// overflowing loopback's backlog (net.core.netdev_max_backlog), and a
// connection whose nine probes in a row were dropped is reset by the
// kernel about 150 s in, in the middle of the benchmark.
const childEnv = "LEAKLAB_NETSTAT_CHILD"

// lateCgroupEnv names a cgroup a dialler joins once its connections are
// open: its sockets stay in the cgroup they were made in.
const lateCgroupEnv = "LEAKLAB_NETSTAT_LATE_CGROUP"

func init() {
	if role := os.Getenv(childEnv); role != "" {
		if err := runChild(role, os.Args[len(os.Args)-1]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

func runChild(role, arg string) error {
	if err := cgrouptest.JoinFromEnv(); err != nil {
		return err
	}
	var conns []*net.TCPConn
	var mu sync.Mutex
	keep := func(c *net.TCPConn) {
		c.SetLinger(0)
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	switch role {
	case "hold":
		ln, err := listenBelowEphemeral()
		if err != nil {
			return err
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				keep(c.(*net.TCPConn))
			}
		}()
		fmt.Println(ln.Addr())
	case "dial": // arg: "addr n source"
		f := strings.Fields(arg)
		n, _ := strconv.Atoi(f[1])
		if err := dialMany(f[0], n, f[2], keep); err != nil {
			return err
		}
		// Sockets that are not TCP, which no TCP census returns.
		udp, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer udp.Close()
		pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			return err
		}
		defer unix.Close(pair[0])
		defer unix.Close(pair[1])
		if dir := os.Getenv(lateCgroupEnv); dir != "" {
			if err := cgrouptest.Join(dir); err != nil {
				return err
			}
		}
		fmt.Println("ready")
	case "census": // arg: a pid; each engine's census of it, as this process's user
		pid, _ := strconv.Atoi(arg)
		for _, e := range []netstat.Engine{netstat.EngineAuto, netstat.EngineGopsutil} {
			snap, err := netstat.TakeWith(context.Background(), netstat.Selector{Pid: int32(pid)}, netstat.Options{Engine: e, Notes: os.Stdout})
			fmt.Printf("%s: %d sockets, error: %v\n", e, len(snap.Sockets), err)
		}
		return nil
	default:
		return fmt.Errorf("unknown role %q", role)
	}
	io.Copy(io.Discard, os.Stdin)
	mu.Lock()
	defer mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	return nil
}

// listenBelowEphemeral listens on 127.0.0.1 at a port below the ephemeral
// range: a census by the holder's port then counts its connections alone,
// where a port from the range could also be the source port of another
// holder's connection from another address.
func listenBelowEphemeral() (net.Listener, error) {
	ports, err := oslimits.EphemeralPorts()
	if err != nil {
		return nil, err
	}
	lc := net.ListenConfig{KeepAlive: -1}
	const lowest = 10000
	if int(ports.Low) <= lowest+100 {
		return nil, fmt.Errorf("the ephemeral ports start at %d: no room below them for a holder", ports.Low)
	}
	for range 100 {
		port := lowest + rand.IntN(int(ports.Low)-lowest)
		if ln, err := lc.Listen(context.Background(), "tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("no free port in %d-%d for a holder", lowest, ports.Low-1)
}

// dialMany opens n connections to addr from source, 32 at a time.
func dialMany(addr string, n int, source string, keep func(*net.TCPConn)) error {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 10 * time.Second, KeepAlive: -1}
	work := make(chan struct{}, n)
	for range n {
		work <- struct{}{}
	}
	close(work)
	errs := make(chan error, 32)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range work {
				c, err := d.Dial("tcp", addr)
				if err != nil {
					errs <- err
					return
				}
				keep(c.(*net.TCPConn))
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// child is a helper process; its first line of output is in line.
type child struct {
	cmd   *exec.Cmd
	stdin io.Closer
	line  string
}

func (c *child) pid() int32 { return int32(c.cmd.Process.Pid) }

// startChild starts a helper and waits for its first line; Cleanup stops
// it. env adds to the helper's environment (cgrouptest.Env=DIR puts it in
// a cgroup before it opens a socket).
func startChild(tb testing.TB, role, arg string, env ...string) *child {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$", arg)
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin}
	tb.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("helper %s %q: %v", role, arg, err)
	}
	c.line = strings.TrimSpace(line)
	return c
}

// holdConns starts a holder and diallers that open n connections to it,
// split over the given source addresses; it returns the holder and the
// diallers.
func holdConns(tb testing.TB, n int, sources ...string) (*child, []*child) {
	tb.Helper()
	return holdConnsEnv(tb, nil, n, sources...)
}

// holdConnsEnv is holdConns with env added to the diallers' environment.
func holdConnsEnv(tb testing.TB, env []string, n int, sources ...string) (*child, []*child) {
	tb.Helper()
	h := startChild(tb, "hold", "")
	var ds []*child
	for i, src := range sources {
		share := n / len(sources)
		if i == 0 {
			share += n % len(sources)
		}
		ds = append(ds, startChild(tb, "dial", fmt.Sprintf("%s %d %s", h.line, share, src), env...))
	}
	return h, ds
}
