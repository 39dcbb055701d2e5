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

// Split a run of 10 connections at 900/s over three hosts: each host is
// given the whole run's Config and its Segment, and works out its share.
func ExampleConfig_Share() {
	cfg := capacity.DefaultConfig()
	cfg.Connections, cfg.Rate = 10, 900
	cfg.Sources, _ = capacity.ParseSources("127.0.0.1-127.0.0.6")
	for i := range 3 {
		cfg.Segment = capacity.Segment{Index: i, Count: 3}
		part := cfg.Share()
		fmt.Printf("segment %s: %d connections at %.0f/s from %s\n", cfg.Segment, part.Connections, part.Rate, capacity.FormatSources(part.Sources))
	}
	// Output:
	// segment 0/3: 3 connections at 270/s from 127.0.0.1-127.0.0.2
	// segment 1/3: 4 connections at 360/s from 127.0.0.3-127.0.0.4
	// segment 2/3: 3 connections at 270/s from 127.0.0.5-127.0.0.6
}
