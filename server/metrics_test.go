package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricsServer starts a server with /metrics on a free loopback port.
func metricsServer(t *testing.T) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.ShutdownGrace, cfg.Metrics = "127.0.0.1:0", 50*time.Millisecond, 0, time.Second, true
	s := server.New(cfg)
	require.NoError(t, s.Start())
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// ownClient is a client with its own Transport, its idle pool closed at
// the end of the test.
func ownClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func fetch(t *testing.T, c *http.Client, url string) []byte {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", url, body)
	return body
}

func scrapeStats(t *testing.T, c *http.Client, s *server.Server) server.Stats {
	t.Helper()
	var st server.Stats
	require.NoError(t, json.Unmarshal(fetch(t, c, s.URL()+"stats"), &st))
	return st
}

func scrapeMetrics(t *testing.T, c *http.Client, s *server.Server) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(fetch(t, c, s.URL()+"metrics")))
	require.NoError(t, err)
	return fams
}

// value is the value of the metric with the given label value (or no
// label), gauge or counter.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name, label string) float64 {
	t.Helper()
	f, ok := fams[name]
	require.True(t, ok, "no metric %s", name)
	for _, m := range f.GetMetric() {
		if label != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != label) {
			continue
		}
		if m.GetCounter() != nil {
			return m.GetCounter().GetValue()
		}
		return m.GetGauge().GetValue()
	}
	require.FailNow(t, "no sample", "%s{%s}", name, label)
	return 0
}

// waitFor polls the server's stats until ok holds or 5 s pass.
func waitFor(t *testing.T, c *http.Client, s *server.Server, what string, ok func(server.Stats) bool) {
	t.Helper()
	require.Eventually(t, func() bool { return ok(scrapeStats(t, c, s)) }, 5*time.Second, 20*time.Millisecond, what)
}

// TestMetricsMatchStats holds the server in a steady state (two answered
// requests on an idle keep-alive connection, three requests waiting for
// their answer, the scraper's own connection) and checks that /metrics
// and /stats tell the same numbers; then the three reset their
// connections and client_gone_total counts them.
func TestMetricsMatchStats(t *testing.T) {
	s := metricsServer(t)
	scraper, idle := ownClient(t), ownClient(t)
	fetch(t, idle, s.URL()+"?delay=0s")
	fetch(t, idle, s.URL()+"?delay=0s")
	var slow []net.Conn
	for range 3 {
		slow = append(slow, rawDial(t, s.Addr().String(), "GET /?delay=1m HTTP/1.1\r\nHost: leaklab\r\n\r\n"))
	}
	waitFor(t, scraper, s, "three requests in flight", func(st server.Stats) bool {
		return st.InFlight == 3 && st.Conns.Idle == 1 && st.Kernel[netstat.Established] == 5
	})

	st, fams := scrapeStats(t, scraper, s), scrapeMetrics(t, scraper, s)
	assert.Equal(t, float64(st.Conns.Active), value(t, fams, "leaklab_server_connections", "active"))
	assert.Equal(t, float64(st.Conns.Idle), value(t, fams, "leaklab_server_connections", "idle"))
	assert.Equal(t, float64(st.Conns.New), value(t, fams, "leaklab_server_connections", "new"))
	assert.Equal(t, float64(st.Conns.Accepted), value(t, fams, "leaklab_server_connections_accepted_total", ""))
	assert.Equal(t, float64(st.Conns.Closed), value(t, fams, "leaklab_server_connections_closed_total", ""))
	assert.Equal(t, float64(st.Kernel[netstat.Established]), value(t, fams, "leaklab_server_sockets", "established"))
	assert.Equal(t, float64(st.Kernel[netstat.TimeWait]), value(t, fams, "leaklab_server_sockets", "time_wait"))
	assert.Equal(t, 1.0, value(t, fams, "leaklab_server_census_up", ""))
	assert.Equal(t, 3.0, value(t, fams, "leaklab_server_in_flight_requests", ""))
	assert.Equal(t, float64(st.Served), value(t, fams, "leaklab_server_requests_served_total", ""))
	assert.Equal(t, 2.0, value(t, fams, "leaklab_server_requests_served_total", ""))
	assert.Equal(t, 0.0, value(t, fams, "leaklab_server_client_gone_total", ""))
	// Present for both kinds; either growth may be 0 after a GC shrank the
	// heap below its level at start, so only their presence is checked here
	// (capacity's benchmarks measure the figures).
	value(t, fams, "leaklab_server_memory_per_connection_bytes", "rss")
	value(t, fams, "leaklab_server_memory_per_connection_bytes", "go")
	assert.Equal(t, dto.MetricType_COUNTER, fams["leaklab_server_requests_served_total"].GetType())
	assert.Equal(t, dto.MetricType_GAUGE, fams["leaklab_server_connections"].GetType())
	assert.Contains(t, fams, "go_goroutines", "the Go collector is registered")

	for _, c := range slow {
		reset(t, c)
	}
	waitFor(t, scraper, s, "three clients gone", func(st server.Stats) bool { return st.ClientGone == 3 })
	st, fams = scrapeStats(t, scraper, s), scrapeMetrics(t, scraper, s)
	assert.Equal(t, float64(st.ClientGone), value(t, fams, "leaklab_server_client_gone_total", ""))
	assert.Equal(t, 0.0, value(t, fams, "leaklab_server_in_flight_requests", ""))
}

// TestMetricsRegistriesAreSeparate runs two servers with metrics in one
// process: each has its own registry, so neither panics on a duplicate
// registration, and each counts its own requests.
func TestMetricsRegistriesAreSeparate(t *testing.T) {
	a, b := metricsServer(t), metricsServer(t)
	c := ownClient(t)
	fetch(t, c, a.URL()+"?delay=0s")
	assert.Equal(t, 1.0, value(t, scrapeMetrics(t, c, a), "leaklab_server_requests_served_total", ""))
	assert.Equal(t, 0.0, value(t, scrapeMetrics(t, c, b), "leaklab_server_requests_served_total", ""))
}

func TestMetricsOffByDefault(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.ReportEvery, cfg.ShutdownGrace = "127.0.0.1:0", 0, time.Second
	s := server.New(cfg)
	require.NoError(t, s.Start())
	defer func() { assert.NoError(t, s.Close()) }()
	resp, err := ownClient(t).Get(s.URL() + "metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
