package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/shirou/gopsutil/v3/process"
)

// Stats is the server's state: the program's view of its connections next
// to the kernel's view of the sockets on its port.
type Stats struct {
	Addr          string  `json:"addr"`
	UptimeSeconds float64 `json:"uptime_seconds"`
	// Conns is the program's view, from http.Server.ConnState.
	Conns ConnCounts `json:"connections"`
	// InFlight is the number of "/" handlers waiting to answer.
	InFlight int64 `json:"in_flight"`
	// Served counts answered "/" requests.
	Served int64 `json:"served"`
	// ClientGone counts "/" requests whose client left before the answer.
	ClientGone int64 `json:"client_gone"`
	// Kernel counts the server side sockets of its port by TCP state (the
	// listener excluded), TIME_WAIT included.
	Kernel netstat.StateCounts `json:"kernel"`
	// KernelError says why the census failed, if it did.
	KernelError string `json:"kernel_error,omitempty"`
	// Memory is what the process uses, and per open connection.
	Memory Memory `json:"memory"`
}

// Memory is the process's memory, in total and divided by the open
// connections (0 when none are open).
type Memory struct {
	RSSBytes         uint64 `json:"rss_bytes"`
	HeapBytes        uint64 `json:"heap_bytes"`
	Goroutines       int    `json:"goroutines"`
	RSSPerConnBytes  uint64 `json:"rss_per_conn_bytes"`
	HeapPerConnBytes uint64 `json:"heap_per_conn_bytes"`
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
	snap, err := netstat.Take(ctx, netstat.Selector{LocalPort: s.Port()})
	if err != nil {
		st.KernelError = err.Error()
	}
	st.Kernel = snap.Counts().Server
	st.Memory = readMemory(st.Conns.Open)
	return st
}

func readMemory(open int) Memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := Memory{HeapBytes: ms.HeapInuse, Goroutines: runtime.NumGoroutine()}
	if p, err := process.NewProcess(int32(os.Getpid())); err == nil {
		if mi, err := p.MemoryInfo(); err == nil {
			m.RSSBytes = mi.RSS
		}
	}
	if open > 0 {
		m.RSSPerConnBytes = m.RSSBytes / uint64(open)
		m.HeapPerConnBytes = m.HeapBytes / uint64(open)
	}
	return m
}

// Line formats the stats on one line, the program's view first:
// "program: open=12 active=10 idle=2 in-flight=10 served=30 client-gone=1 | kernel: ESTABLISHED=12".
func (st Stats) Line() string {
	c := st.Conns
	kernel := st.Kernel.Line()
	if st.KernelError != "" {
		kernel = "unavailable (" + st.KernelError + ")"
	}
	mem := ""
	if c.Open > 0 {
		mem = fmt.Sprintf(" | memory/conn: rss=%.1fKB heap=%.1fKB", kb(st.Memory.RSSPerConnBytes), kb(st.Memory.HeapPerConnBytes))
	}
	return fmt.Sprintf("program: open=%d active=%d idle=%d in-flight=%d served=%d client-gone=%d | kernel: %s%s",
		c.Open, c.Active, c.Idle, st.InFlight, st.Served, st.ClientGone, kernel, mem)
}

func kb(b uint64) float64 { return float64(b) / 1024 }

func (s *Server) statsHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Stats(r.Context()))
}
