package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/leaklab/leaklab/internal/oslimits"
	"github.com/leaklab/leaklab/netstat"
)

// Stats is the server's state: the program's view of its connections next
// to the kernel's view of its own sockets on its address and port.
type Stats struct {
	Addr          string  `json:"addr"`
	UptimeSeconds float64 `json:"uptime_seconds"`
	// Conns is the program's view, from http.Server.ConnState.
	Conns ConnCounts `json:"connections"`
	// InFlight is the number of "/" handlers waiting to answer.
	InFlight int64 `json:"in_flight"`
	// Served counts answered "/" requests: the answer was written to the
	// connection. A client that closed its socket with a FIN cannot be
	// told from one that only shut down its sending side until the answer
	// is written, so both are answered.
	Served int64 `json:"served"`
	// ClientGone counts "/" requests whose client is known to be gone:
	// it reset the connection before the answer, or the answer could not
	// be written.
	ClientGone int64 `json:"client_gone"`
	// MaxConns is the cap on open connections (Config.MaxConns); 0: none.
	MaxConns int `json:"max_conns"`
	// Refused counts connections answered 503 and closed because MaxConns
	// were open.
	Refused int64 `json:"refused"`
	// HeaderTimeouts counts connections closed because their request's
	// headers did not arrive within ReadHeaderTimeout: trickled headers,
	// or nothing sent at all.
	HeaderTimeouts int64 `json:"header_timeouts"`
	// Kernel counts the server side sockets of its listening address and
	// port that this process owns, by TCP state (the listener excluded),
	// TIME_WAIT (which has no owner) included.
	Kernel netstat.StateCounts `json:"kernel"`
	// KernelError says why the census failed, if it did.
	KernelError string `json:"kernel_error,omitempty"`
	// Memory is what the process uses, and per open connection.
	Memory Memory `json:"memory"`
}

// Memory is the process's memory, in total and per open connection.
//
// The per-connection cost is the growth since Start divided by the open
// connections: RSSGrowthPerConnBytes for the resident memory (what top
// shows, garbage not yet collected included), GoPerConnBytes for the live
// Go heap (as of the last GC) plus the goroutine stacks; in net/http most
// of a connection is its goroutine's stack and its read and write
// buffers. RSSPerConnBytes and HeapPerConnBytes divide the whole process
// instead, its baseline included, so with few connections open they
// describe the process more than a connection.
type Memory struct {
	RSSBytes   uint64 `json:"rss_bytes"`
	HeapBytes  uint64 `json:"heap_bytes"`
	StackBytes uint64 `json:"stack_bytes"`
	// LiveHeapBytes is the heap the last GC found live.
	LiveHeapBytes    uint64 `json:"live_heap_bytes"`
	Goroutines       int    `json:"goroutines"`
	RSSPerConnBytes  uint64 `json:"rss_per_conn_bytes"`
	HeapPerConnBytes uint64 `json:"heap_per_conn_bytes"`
	// RSSGrowthPerConnBytes is the resident memory added since Start,
	// divided by the open connections.
	RSSGrowthPerConnBytes uint64 `json:"rss_growth_per_conn_bytes"`
	// GoPerConnBytes is the live Go heap plus the goroutine stacks added
	// since Start, divided by the open connections.
	GoPerConnBytes uint64 `json:"go_per_conn_bytes"`
}

// Stats returns both views of the server's connections now.
func (s *Server) Stats(ctx context.Context) Stats {
	st := Stats{
		Addr:          s.Addr().String(),
		UptimeSeconds: time.Since(s.started).Seconds(),
		Conns:         s.conns.counts(),
		InFlight:      s.inFlight.Load(),
		Served:        s.served.Load(),
		ClientGone:    s.clientGone.Load(),
	}
	st.MaxConns, st.Refused, st.HeaderTimeouts = s.cfg.MaxConns, s.guard.refused.Load(), s.guard.headerTimeouts.Load()
	st.Memory = readMemory(st.Conns.Open, s.baseline) // before the census and its garbage
	// The server counts its own sockets with gopsutil, on every OS, as the
	// kit's design has it: the lab's server shows the portable way, the
	// netlink engine is for the census, sockcheck and the doctor. A
	// selection by pid and port makes gopsutil read the whole table and
	// every process's descriptors, once per report line, /stats request or
	// /metrics scrape.
	snap, err := netstat.TakeWith(ctx, s.kernelSelector(), netstat.Options{Engine: netstat.EngineGopsutil})
	if err != nil {
		st.KernelError = err.Error()
	}
	st.Kernel = snap.Counts().Server
	return st
}

// kernelSelector chooses the server's own sockets: those on its listening
// address (every address for a wildcard listener) and port that this
// process owns, and those without an owner (TIME_WAIT) on that address and
// port. Another process's server on the same port at another address, or
// sharing it by SO_REUSEPORT, is not counted.
func (s *Server) kernelSelector() netstat.Selector {
	a := s.Addr()
	ip, _ := netip.AddrFromSlice(a.IP) // a listener's IP always converts
	return netstat.Selector{Pid: int32(os.Getpid()), LocalPort: uint16(a.Port), LocalAddr: ip.Unmap()}
}

// readMemory reads the process's memory and divides it, and its growth
// since base, by the open connections.
func readMemory(open int, base Memory) Memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	m := Memory{HeapBytes: ms.HeapInuse, StackBytes: ms.StackInuse, Goroutines: runtime.NumGoroutine()}
	if live[0].Value.Kind() == metrics.KindUint64 {
		m.LiveHeapBytes = live[0].Value.Uint64()
	}
	m.RSSBytes = oslimits.RSS()
	if open > 0 {
		n := uint64(open)
		m.RSSPerConnBytes = m.RSSBytes / n
		m.HeapPerConnBytes = m.HeapBytes / n
		m.RSSGrowthPerConnBytes = growth(m.RSSBytes, base.RSSBytes) / n
		m.GoPerConnBytes = growth(m.LiveHeapBytes+m.StackBytes, base.LiveHeapBytes+base.StackBytes) / n
	}
	return m
}

func growth(now, then uint64) uint64 {
	if now < then {
		return 0
	}
	return now - then
}

// Line formats the stats on one line, the program's view first:
// "program: open=12 active=10 idle=2 in-flight=10 served=30 client-gone=1 | kernel: ESTABLISHED=12",
// with refused=N and header-timeouts=N after client-gone when not zero.
func (st Stats) Line() string {
	c := st.Conns
	kernel := st.Kernel.Line()
	if st.KernelError != "" {
		kernel = "unavailable (" + st.KernelError + ")"
	}
	return fmt.Sprintf("program: open=%d active=%d idle=%d in-flight=%d served=%d client-gone=%d%s | kernel: %s%s",
		c.Open, c.Active, c.Idle, st.InFlight, st.Served, st.ClientGone, st.guardLine(), kernel, st.memoryLine())
}

// memoryLine is the memory part of Line: per connection once a thousand
// are open (below that the process's own growth drowns the figure), the
// whole process before.
func (st Stats) memoryLine() string {
	m := st.Memory
	switch {
	case st.Conns.Open == 0 || m.RSSBytes == 0: // none open, or /proc unreadable (at the open-files limit)
		return ""
	case st.Conns.Open < perConnFrom:
		return fmt.Sprintf(" | memory: rss=%.1fMB", kb(m.RSSBytes)/1024)
	}
	return fmt.Sprintf(" | memory/conn since start: rss=%.1fKB go=%.1fKB", kb(m.RSSGrowthPerConnBytes), kb(m.GoPerConnBytes))
}

// perConnFrom is the number of open connections from which Line divides
// memory by connection.
const perConnFrom = 1000

func kb(b uint64) float64 { return float64(b) / 1024 }

func (s *Server) statsHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Stats(r.Context()))
}
