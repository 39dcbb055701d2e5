package sockcheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
)

// BenchmarkSampleEngines measures one sample with 1,000 sockets open in
// this process (500 loopback connections, both ends here) with each census
// engine, beside ss and netstat counting the same sockets.
func BenchmarkSampleEngines(b *testing.B) {
	const n = 1000
	p, err := loopback.Open(n / 2)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	p.ResetOnClose()
	selections := []struct {
		name string
		opts []Option
	}{
		{"by_pid", nil},
		{"by_port", []Option{Port(p.Port())}},
		{"by_port_with_TIME_WAIT", []Option{Port(p.Port()), States(netstat.Established, netstat.CloseWait, netstat.TimeWait)}},
	}
	for _, e := range []netstat.Engine{netstat.EngineNetlink, netstat.EngineGopsutil} {
		for _, sel := range selections {
			b.Run(fmt.Sprintf("sockets=%d/%s/%s", n, e, sel.name), func(b *testing.B) {
				start := cpuTime()
				benchmarkSample(b, append([]Option{Engine(e)}, sel.opts...))
				b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
	filter := fmt.Sprintf("( sport = :%d or dport = :%d )", p.Port(), p.Port())
	b.Run(fmt.Sprintf("sockets=%d/ss-by-port", n), func(b *testing.B) {
		benchCommand(b, []byte("ESTAB"), n, "ss", "-Htan", filter)
	})
	b.Run(fmt.Sprintf("sockets=%d/netstat-by-pid", n), func(b *testing.B) {
		benchCommand(b, []byte(fmt.Sprintf(" %d/", os.Getpid())), n, "netstat", "-tanp")
	})
}

func benchCommand(b *testing.B, mark []byte, want int, name string, args ...string) {
	path, err := exec.LookPath(name)
	if err != nil {
		b.Skipf("%s not installed; nothing to compare with", name)
	}
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(path, args...)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%s %q: %v", name, args, err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if got := bytes.Count(out, mark); got < want {
			b.Fatalf("%s %q: %d of %q, want %d", name, args, got, mark, want)
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
