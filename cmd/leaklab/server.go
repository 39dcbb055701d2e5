package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/leaklab/leaklab/server"
)

func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := server.DefaultConfig()
	fs := newFlagSet("server", "[-addr 127.0.0.1:8080] [-delay 20s] [-report-every 5s] [-idle-timeout 0] [-read-header-timeout 10s] [-max-header-bytes 65536] [-max-conns N] [-metrics] [-reuseport]", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "`host:port` to listen on (port 0: any free port)")
	fs.DurationVar(&cfg.Delay, "delay", cfg.Delay, "how long / waits before answering (a request may ask ?delay=300ms)")
	fs.DurationVar(&cfg.MaxDelay, "max-delay", cfg.MaxDelay, "cap on the ?delay= query")
	fs.DurationVar(&cfg.ReportEvery, "report-every", cfg.ReportEvery, "period of the report line (0: no report)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "close keep-alive connections idle this long (0: never)")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "bound on reading request headers (0: none)")
	fs.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", cfg.MaxHeaderBytes, "cap on a request's header `bytes`; past it: 431 Request Header Fields Too Large (0: net/http's 1 MiB)")
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "cap on open `connections`; past it a new connection gets a short 503 and is closed, counted as refused (0: no cap; the default is the open-files limit less 128)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", cfg.ShutdownGrace, "on Ctrl-C, how long in-flight requests may finish")
	fs.BoolVar(&cfg.Metrics, "metrics", cfg.Metrics, "serve Prometheus metrics on /metrics (connections by state, sockets by TCP state, in flight, served, client gone, memory per connection)")
	fs.BoolVar(&cfg.ReusePort, "reuseport", cfg.ReusePort, "listen with SO_REUSEPORT, so several server processes share -addr, each with its own open-files limit (Linux)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, d := range []struct {
		name  string
		value int64
	}{{"delay", int64(cfg.Delay)}, {"max-delay", int64(cfg.MaxDelay)}, {"report-every", int64(cfg.ReportEvery)},
		{"idle-timeout", int64(cfg.IdleTimeout)}, {"read-header-timeout", int64(cfg.ReadHeaderTimeout)}, {"shutdown-grace", int64(cfg.ShutdownGrace)}} {
		if d.value < 0 {
			return usagef("-%s is negative; give a duration such as 5s, or 0", d.name)
		}
	}
	if cfg.MaxHeaderBytes < 0 {
		return usagef("-max-header-bytes %d is negative; give a size such as 65536, or 0 for net/http's 1 MiB", cfg.MaxHeaderBytes)
	}
	if cfg.MaxConns < 0 {
		return usagef("-max-conns %d is negative; give a count such as 10000, or 0 for no cap", cfg.MaxConns)
	}
	if err := checkListenAddr(cfg.Addr); err != nil {
		return usagef("%v", err)
	}
	cfg.Log = stdout
	return server.Run(ctx, cfg)
}

// checkListenAddr checks that -addr is host:port with a port from 0 (any
// free port) to 65535, before anything starts.
func checkListenAddr(addr string) error {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q is not host:port (%v); give one such as 127.0.0.1:8080", addr, err)
	}
	if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("-addr %q has port %q out of range; give 0 (any free port) to 65535", addr, p)
	}
	return nil
}
