package server

import (
	"context"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ScrapeTimeout bounds the census a scrape of /metrics takes.
const ScrapeTimeout = 5 * time.Second

// collector turns Server.Stats into Prometheus metrics at scrape time, so
// every metric of one scrape comes from the same Stats.
type collector struct {
	s                            *Server
	conns, accepted, closed      *prometheus.Desc
	sockets, censusUp            *prometheus.Desc
	inFlight, served, clientGone *prometheus.Desc
	memPerConn                   *prometheus.Desc
	refused, hdrTimeout          *prometheus.Desc
}

func newCollector(s *Server) *collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("leaklab_server_"+name, help, labels, nil)
	}
	return &collector{
		s:          s,
		conns:      d("connections", "Connections the server holds, by http.ConnState (the program's view): new, active or idle.", "state"),
		accepted:   d("connections_accepted_total", "Connections accepted since start."),
		closed:     d("connections_closed_total", "Connections closed or hijacked since start."),
		sockets:    d("sockets", "The server's own server side TCP sockets on its listening address and port (ownerless TIME_WAIT there included), by TCP state in lower case (the kernel's view), the listener excluded.", "state"),
		censusUp:   d("census_up", "1 when the kernel's socket table could be read for this scrape, else 0 (leaklab_server_sockets is then all zero)."),
		inFlight:   d("in_flight_requests", "Requests to / waiting for their answer."),
		served:     d("requests_served_total", "Requests to / answered since start."),
		clientGone: d("client_gone_total", "Requests to / whose client was gone before the answer: it reset the connection, or the answer could not be written."),
		memPerConn: d("memory_per_connection_bytes", "Memory added since the server started, divided by the open connections (0 when none is open): kind rss is the resident set, go the Go heap in use plus goroutine stacks.", "kind"),
		refused:    d("connections_refused_total", "Connections answered 503 and closed because the -max-conns limit of open connections was reached."),
		hdrTimeout: d("header_timeouts_total", "Connections closed because their request headers did not arrive within the read-header timeout (trickled or never sent)."),
	}
}

// Describe sends the descriptions of every metric.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.conns, c.accepted, c.closed, c.sockets, c.censusUp,
		c.inFlight, c.served, c.clientGone, c.memPerConn, c.refused, c.hdrTimeout} {
		ch <- d
	}
}

// Collect reads the stats once and sends every metric.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	st := c.s.Stats(ctx)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.conns, float64(st.Conns.New), "new")
	gauge(c.conns, float64(st.Conns.Active), "active")
	gauge(c.conns, float64(st.Conns.Idle), "idle")
	counter(c.accepted, float64(st.Conns.Accepted))
	counter(c.closed, float64(st.Conns.Closed))
	for _, state := range netstat.States {
		if state != netstat.Listen {
			gauge(c.sockets, float64(st.Kernel[state]), strings.ToLower(state))
		}
	}
	gauge(c.censusUp, boolFloat(st.KernelError == ""))
	gauge(c.inFlight, float64(st.InFlight))
	counter(c.served, float64(st.Served))
	counter(c.clientGone, float64(st.ClientGone))
	counter(c.refused, float64(st.Refused))
	counter(c.hdrTimeout, float64(st.HeaderTimeouts))
	gauge(c.memPerConn, float64(st.Memory.RSSGrowthPerConnBytes), "rss")
	gauge(c.memPerConn, float64(st.Memory.GoPerConnBytes), "go")
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Registry returns a new Prometheus registry with the server's metrics
// (leaklab_server_*) and the Go runtime and process collectors. Each
// server has its own, so several servers in one process never collide.
func (s *Server) Registry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(newCollector(s), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// metricsHandler serves the server's registry in the Prometheus text
// format, for Config.Metrics.
func (s *Server) metricsHandler() http.Handler {
	reg := s.Registry()
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: log.New(s.log.Writer(), "metrics: ", log.Ltime), Registry: reg,
	})
}
