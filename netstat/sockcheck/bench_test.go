package sockcheck

import (
	"context"
	"fmt"
	"testing"

	"github.com/leaklab/leaklab/internal/loopback"
	"github.com/leaklab/leaklab/netstat"
)

// BenchmarkSample measures one sample of a check or a Watcher (a census
// and the bookkeeping) with n sockets open in this process: n/2 loopback
// connections, both ends here. By pid counts every socket of the process;
// by port, both ends of the connections to one port. Counting TIME_WAIT
// needs the sockets no process owns, so netstat reads the whole table.
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		p, err := loopback.Open(n / 2)
		if err != nil {
			b.Fatal(err)
		}
		selections := []struct {
			name string
			opts []Option
		}{
			{"by_pid", nil},
			{"by_port", []Option{Port(p.Port())}},
			{"by_port_with_TIME_WAIT", []Option{Port(p.Port()), States(netstat.Established, netstat.CloseWait, netstat.TimeWait)}},
		}
		for _, sel := range selections {
			b.Run(fmt.Sprintf("sockets=%d/%s", n, sel.name), func(b *testing.B) { benchmarkSample(b, sel.opts) })
		}
		p.Close()
	}
}

func benchmarkSample(b *testing.B, opts []Option) {
	c, err := newConfig(opts)
	if err != nil {
		b.Fatal(err)
	}
	r := newRecord()
	var s sample
	for b.Loop() {
		if s, err = takeSample(context.Background(), c); err != nil {
			b.Fatal(err)
		}
		r.add(s)
	}
	b.ReportMetric(float64(len(s.open)), "sockets")
}

// BenchmarkPassingCheck measures a whole check that passes, as a test
// pays for it at its end: Find on the client side of a server that is
// listening, with nothing left open (the connection's client end closed).
func BenchmarkPassingCheck(b *testing.B) {
	p, err := loopback.Open(1)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	p.CloseClients()
	for b.Loop() {
		if err := Find(RemotePort(p.Port())); err != nil {
			b.Fatal(err)
		}
	}
}
