package netstat_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

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
			benchNetstat(b, pid, sockets)
		})
		p.Close()
	}
}

func benchTake(b *testing.B, sel netstat.Selector, want int) {
	benchTakeWith(b, sel, netstat.Options{}, want)
}

func benchTakeWith(b *testing.B, sel netstat.Selector, o netstat.Options, want int) {
	defer reportCPU(b, selfCPU())
	for i := 0; i < b.N; i++ {
		snap, err := netstat.TakeWith(context.Background(), sel, o)
		if err != nil {
			b.Fatal(err)
		}
		if n := snap.Count("", netstat.Established); n < want {
			b.Fatalf("census saw %d ESTABLISHED sockets, want %d", n, want)
		}
	}
}

func benchNetstat(b *testing.B, pid int32, want int) {
	path, err := exec.LookPath("netstat")
	if err != nil {
		b.Skip("netstat not installed (apt-get install net-tools); nothing to compare with")
	}
	mark := []byte(fmt.Sprintf(" %d/", pid))
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(path, "-tanp").Output()
		if err != nil {
			b.Fatalf("netstat -tanp: %v", err)
		}
		if n := bytes.Count(out, mark); n < want {
			b.Fatalf("netstat saw %d sockets of pid %d, want %d", n, pid, want)
		}
	}
}
