package netstat_test

import (
	"context"
	"fmt"
	"net"

	"github.com/leaklab/leaklab/netstat"
)

// A census of one port, read with the gopsutil engine instead of the
// default (netlink on Linux); SkipOwners spares the walk over every
// process's descriptors when only the counts are wanted.
func ExampleTakeWith() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	for _, e := range []netstat.Engine{netstat.EngineGopsutil, netstat.EngineAuto} {
		snap, err := netstat.TakeWith(context.Background(), netstat.Selector{Port: port},
			netstat.Options{Engine: e, SkipOwners: true})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d listening\n", e, snap.Counts().Listen)
	}
	// Output:
	// gopsutil: 1 listening
	// auto: 1 listening
}
