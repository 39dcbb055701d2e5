package netstat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
	gnet "github.com/shirou/gopsutil/v3/net"
)

// BenchmarkCensus measures one census of this process while it holds
// 1,000 and 10,000 loopback sockets (both ends of 500 and 5,000
// connections), next to the approaches it replaces or rejects:
//
//   - pid, port: netstat.Take (the netlink engine on Linux) by pid, and by
//     port with owners;
//   - gopsutil-pid, gopsutil-port: the same with the gopsutil engine
//     (ConnectionsPidWithoutUids by pid; by port it reads the whole table
//     with every process's descriptors so that TIME_WAIT is counted);
//   - pid-with-uids: gopsutil ConnectionsPid, which re-reads
//     /proc/PID/status once per socket for the owner's uids;
//   - netstat-shell-out: the original demo's way, running netstat -tanp and
//     counting this process's lines.
func BenchmarkCensus(b *testing.B) {
	for _, sockets := range []int{1000, 10000} {
		p, err := loopback.Open(sockets / 2)
		if err != nil {
			b.Fatal(err)
		}
		pid := int32(os.Getpid())
		b.Run(fmt.Sprintf("sockets=%d/pid", sockets), func(b *testing.B) {
			benchTake(b, netstat.Selector{Pid: pid}, sockets)
		})
		b.Run(fmt.Sprintf("sockets=%d/port", sockets), func(b *testing.B) {
			benchTake(b, netstat.Selector{Port: p.Port()}, sockets)
		})
		gp := netstat.Options{Engine: netstat.EngineGopsutil}
		b.Run(fmt.Sprintf("sockets=%d/gopsutil-pid", sockets), func(b *testing.B) {
			benchTakeWith(b, netstat.Selector{Pid: pid}, gp, sockets)
		})
		b.Run(fmt.Sprintf("sockets=%d/gopsutil-port", sockets), func(b *testing.B) {
			benchTakeWith(b, netstat.Selector{Port: p.Port()}, gp, sockets)
		})
		b.Run(fmt.Sprintf("sockets=%d/pid-with-uids", sockets), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := gnet.ConnectionsPid("tcp", pid); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("sockets=%d/netstat-shell-out", sockets), func(b *testing.B) {
			benchExec(b, []byte(fmt.Sprintf(" %d/", pid)), sockets, "netstat", "-tanp")
		})
		p.Close()
	}
}

func benchTake(b *testing.B, sel netstat.Selector, want int) {
	benchTakeWith(b, sel, netstat.Options{}, want)
}

// benchTakeWith measures netstat.TakeWith, checking that each census
// counts exactly want ESTABLISHED sockets, and reports its CPU time.
func benchTakeWith(b *testing.B, sel netstat.Selector, o netstat.Options, want int) {
	defer reportCPU(b, selfCPU())
	for b.Loop() {
		snap, err := netstat.TakeWith(context.Background(), sel, o)
		if err != nil {
			b.Fatal(err)
		}
		if n := snap.Count("", netstat.Established); n != want {
			b.Fatalf("%s engine saw %d ESTABLISHED sockets of %s, want %d", snap.Engine, n, sel, want)
		}
	}
}

// benchExec runs a command and checks that its output has mark at least
// want times; with no mark, that the output is the JSON of a census
// counting want ESTABLISHED sockets. It reports the command's CPU time.
func benchExec(b *testing.B, mark []byte, want int, name string, args ...string) {
	path, err := exec.LookPath(name)
	if err != nil {
		b.Skipf("%s not installed; nothing to compare with", name)
	}
	var cpu time.Duration
	defer func() { b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		cmd := exec.Command(path, args...)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%s %q: %v", name, args, err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if mark == nil {
			checkCensusJSON(b, out, want)
			continue
		}
		if n := bytes.Count(out, mark); n < want {
			b.Fatalf("%s %q: %d of %q, want %d; output begins %.300q", name, args, n, mark, want, out)
		}
	}
}

// checkCensusJSON checks that out is a census by side and state with want
// ESTABLISHED sockets over both sides.
func checkCensusJSON(b *testing.B, out []byte, want int) {
	var c netstat.Counts
	if err := json.Unmarshal(out, &c); err != nil {
		b.Fatalf("census output %.200q: %v", out, err)
	}
	if n := c.Server[netstat.Established] + c.Client[netstat.Established]; n != want {
		b.Fatalf("census saw %d ESTABLISHED sockets, want %d: %s", n, want, out)
	}
}
