package capacity_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/leaklab/leaklab/capacity"
)

// holdAll accepts connections and keeps them until the listener closes.
func holdAll(ln net.Listener) {
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		conns = append(conns, c)
	}
}

// Open 50 connections to a server, hold them for a moment, and check that
// they all stayed open: the check a CI job makes.
func ExampleRun() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // the server under test
	if err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	go func() { holdAll(ln); close(done) }()
	defer func() { ln.Close(); <-done }()

	cfg := capacity.DefaultConfig()
	cfg.Target = ln.Addr().String()
	cfg.Connections = 50
	cfg.Rate = 5000 // per second
	cfg.Hold = 100 * time.Millisecond
	res, err := capacity.Run(context.Background(), cfg)
	if err != nil {
		log.Fatal(err) // the configuration is wrong
	}
	fmt.Println(res.Final.Line())
	fmt.Println("peak:", res.Peak, "stopped:", res.StopReason)
	if err := res.Check(0); err != nil {
		fmt.Println("FAIL:", err)
	}
	// Output:
	// Total: 50, Dialing: 0, Established: 50, Closed: 0, Error: 0, NotInitiated: 0
	// peak: 50 stopped: held for 100ms
}
