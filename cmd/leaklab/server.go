package main

import (
	"context"
	"fmt"
	"io"

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
	fs.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", cfg.MaxHeaderBytes, fmt.Sprintf("cap on a request's header `bytes`: net/http reads %d bytes more, so a request line and headers longer than this plus %d bytes get 431 Request Header Fields Too Large (0: net/http's 1 MiB)", server.HeaderSlack, server.HeaderSlack))
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "cap on open `connections`; past it a new connection gets a short 503 and is closed, counted as refused (0: no cap; the default is the open-files limit less 128)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", cfg.ShutdownGrace, "on Ctrl-C, how long in-flight requests may finish")
	fs.BoolVar(&cfg.Metrics, "metrics", cfg.Metrics, "serve Prometheus metrics on /metrics (connections by state, sockets by TCP state, in flight, served, client gone, memory per connection)")
	fs.BoolVar(&cfg.ReusePort, "reuseport", cfg.ReusePort, "listen with SO_REUSEPORT, so several server processes share -addr, each with its own open-files limit (Linux)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return flagError(fs, err)
	}
	cfg.Log = stdout
	return server.Run(ctx, cfg)
}
