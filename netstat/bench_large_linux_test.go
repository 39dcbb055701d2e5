//go:build linux

package netstat_test

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leaklab/leaklab/internal/cgrouptest"
	"github.com/leaklab/leaklab/netstat"
)

// BenchmarkCensusLarge measures the census at the scale of a busy
// machine, each engine beside ss and netstat in the same run, with the
// connections held by helper processes (see childEnv):
//
//   - pid/others=N: the census of one process holding 5,000 connections
//     (its client ends; a holder has the server ends) while N other TCP
//     sockets are open, N = 5,000 (the holder's ends alone), 35,000 and
//     40,000;
//   - port: the census of the port of a server holding 15,000 connections
//     (30,000 sockets: its ends and its clients'), with the 40,000-socket
//     load above also open;
//   - */process: the whole process, `leaklab census` against ss or netstat
//     with the same selection;
//   - pid/*/netlink is the target in a cgroup of its own (where the test
//     may make one: root, cgroup v2), so the kernel describes its sockets
//     alone; netlink-shared-cgroup is the same census without the cgroup
//     filter, what a process sharing its cgroup with the others gets;
//   - port/*/kernel-dump is the kernel's part of the netlink census: the
//     same request, the answers counted and dropped; kernel-dump-server-side
//     the same for the server's 15,000 ends alone, to show that the kernel's
//     cost follows the number of sockets it describes.
//
// It opens about 25,000 loopback connections, so it runs only when
// LEAKLAB_BENCH_LARGE=1 (make bench-census).
func BenchmarkCensusLarge(b *testing.B) {
	if os.Getenv("LEAKLAB_BENCH_LARGE") != "1" {
		b.Skip("opens 25,000 loopback connections in helper processes; run with LEAKLAB_BENCH_LARGE=1 (make bench-census)")
	}
	leaklab := buildLeaklab(b)
	var env []string
	if dir, err := cgrouptest.New(b); err != nil {
		b.Logf("the target shares its cgroup with the other sockets' holders: %v", err)
	} else {
		env = []string{cgrouptest.Env + "=" + dir}
	}
	_, ds := holdConnsEnv(b, env, 5000, "127.0.0.1")
	target := ds[0].pid()
	b.Run("pid/others=5000", func(b *testing.B) { benchPid(b, leaklab, target, 5000) })
	server, _ := holdConns(b, 15000, "127.0.0.2", "127.0.0.3")
	b.Run("pid/others=35000", func(b *testing.B) { benchPid(b, leaklab, target, 5000) })
	holdConns(b, 2500, "127.0.0.4")
	b.Run("pid/others=40000", func(b *testing.B) { benchPid(b, leaklab, target, 5000) })
	port := netip.MustParseAddrPort(server.line).Port()
	b.Run("port/conns=15000", func(b *testing.B) { benchPort(b, leaklab, port, 30000) })
}

func benchPid(b *testing.B, leaklab string, pid int32, want int) {
	sel := netstat.Selector{Pid: pid}
	p := fmt.Sprint(pid)
	b.Run("netlink", func(b *testing.B) { benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineNetlink}, want) })
	b.Run("netlink-shared-cgroup", func(b *testing.B) {
		defer netstat.SetCgroupFilter(false)()
		benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineNetlink}, want)
	})
	b.Run("gopsutil", func(b *testing.B) { benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineGopsutil}, want) })
	b.Run("leaklab/process", func(b *testing.B) {
		benchExec(b, nil, want, leaklab, "census", "-pid", p, "-format", "json")
	})
	b.Run("ss-tanp/process", func(b *testing.B) { benchExec(b, []byte("pid="+p+","), want, "ss", "-tanpH") })
	b.Run("netstat-tanp/process", func(b *testing.B) { benchExec(b, []byte(" "+p+"/"), want, "netstat", "-tanp") })
}

func benchPort(b *testing.B, leaklab string, port uint16, want int) {
	sel := netstat.Selector{Port: port}
	p := fmt.Sprint(port)
	filter := fmt.Sprintf("( sport = :%d or dport = :%d )", port, port)
	b.Run("netlink", func(b *testing.B) {
		benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineNetlink, SkipOwners: true}, want)
	})
	kernelDump := func(sel netstat.Selector, want int) func(b *testing.B) {
		return func(b *testing.B) {
			defer reportCPU(b, selfCPU())
			for b.Loop() {
				if n, err := netstat.KernelDump(sel); err != nil || n < want {
					b.Fatalf("the kernel's dump of %s gave %d sockets (%v), want at least %d", sel, n, err, want)
				}
			}
		}
	}
	b.Run("kernel-dump", kernelDump(sel, want))
	b.Run("kernel-dump-server-side", kernelDump(netstat.Selector{LocalPort: port}, want/2))
	b.Run("netlink-with-owners", func(b *testing.B) { benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineNetlink}, want) })
	b.Run("gopsutil", func(b *testing.B) { benchTakeWith(b, sel, netstat.Options{Engine: netstat.EngineGopsutil}, want) })
	b.Run("leaklab/process", func(b *testing.B) {
		benchExec(b, nil, want, leaklab, "census", "-port", p, "-format", "json")
	})
	b.Run("ss/process", func(b *testing.B) { benchExec(b, []byte("ESTAB"), want, "ss", "-Htan", filter) })
	b.Run("ss-with-owners/process", func(b *testing.B) { benchExec(b, []byte("pid="), want/2, "ss", "-Htanp", filter) })
	b.Run("netstat-tan/process", func(b *testing.B) { benchExec(b, []byte(":"+p+" "), want, "netstat", "-tan") })
}

func buildLeaklab(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "leaklab")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/leaklab/leaklab/cmd/leaklab").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
