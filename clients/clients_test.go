package clients_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// slowServer answers after delay, or when the client leaves.
func slowServer(t *testing.T, delay time.Duration) (*httptest.Server, uint16) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
			w.Write([]byte("ok\n"))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	return srv, uint16(port)
}

func load(target string) clients.LoadConfig {
	return clients.LoadConfig{
		Target: target + "/", Interval: 10 * time.Millisecond, Extra: 1,
		Duration: 300 * time.Millisecond, Seed: 1, MaxSockets: 500, DrainTimeout: 5 * time.Second,
	}
}

// clientEstablished counts the client side ESTABLISHED sockets to port.
func clientEstablished(t *testing.T, port uint16) int {
	t.Helper()
	snap, err := netstat.Take(context.Background(), netstat.Selector{RemotePort: port})
	require.NoError(t, err)
	return snap.Count(netstat.SideClient, netstat.Established)
}

func TestFaultyLeaksOneConnectionPerRequestUntilClosed(t *testing.T) {
	srv, port := slowServer(t, 20*time.Millisecond)
	f := clients.NewFaulty()
	res, err := clients.Run(context.Background(), f, load(srv.URL))
	require.NoError(t, err)
	require.Positive(t, res.Requests)
	assert.Equal(t, res.Requests, res.OK, "every request succeeds: %v", res.ErrorsByCause)
	assert.Equal(t, res.Requests, res.Dials, "a new dial per request")
	assert.Zero(t, res.Reused)
	assert.Equal(t, int(res.Requests), f.OpenConns(), "program's view: one idle connection kept per request")
	assert.Equal(t, int(res.Requests), clientEstablished(t, port), "kernel's view agrees")

	f.Close() // releases the leak
	assert.Zero(t, f.OpenConns())
	sockcheck.VerifyNone(t, sockcheck.RemotePort(port))
}

func TestFixedReusesAndKeepsTwoIdle(t *testing.T) {
	srv, port := slowServer(t, 20*time.Millisecond)
	f := clients.NewFixed(clients.FixedConfig{Timeout: time.Second, IdleConnTimeout: time.Minute})
	defer f.Close()
	w := sockcheck.Watch(t, sockcheck.RemotePort(port), sockcheck.Interval(10*time.Millisecond))
	res, err := clients.Run(context.Background(), f, load(srv.URL))
	require.NoError(t, err)
	// 20 ms answers at 150 requests/s keep 3 in flight on average. The
	// tolerance allows answers 5x slower on a busy machine: 2 requests per
	// 10 ms tick for the 11 ticks a 100 ms answer spans, plus the idle pool:
	// 2*11 + 2 = 24, half the ~45 sockets the faulty client holds.
	assert.True(t, w.PeakAtMost(24), "the fixed client's sockets stay bounded")
	assert.True(t, w.SettlesTo(clients.FixedMaxIdleConnsPerHost, 5*time.Second), "and settle to the idle pool")
	assert.Equal(t, res.Requests, res.OK, "every request succeeds: %v", res.ErrorsByCause)
	assert.Positive(t, res.Reused, "connections are reused")
	assert.Equal(t, res.Requests, res.Dials+res.Reused)
	// The Transport closes a connection that finds the pool full from its
	// readLoop, after the body was closed: poll until it has.
	assert.Eventually(t, func() bool {
		return f.OpenConns() <= clients.FixedMaxIdleConnsPerHost &&
			clientEstablished(t, port) <= clients.FixedMaxIdleConnsPerHost
	}, 5*time.Second, 20*time.Millisecond, "only the idle pool remains: open %d", f.OpenConns())
}

func TestFixedTimesOutAndClosesIdle(t *testing.T) {
	srv, _ := slowServer(t, time.Hour)
	f := clients.NewFixed(clients.FixedConfig{Timeout: 50 * time.Millisecond, IdleConnTimeout: time.Minute})
	defer f.Close()
	o := f.Do(context.Background(), srv.URL+"/")
	require.Error(t, o.Err)
	assert.Equal(t, neterr.Timeout, neterr.Cause(o.Err))
	assert.Zero(t, f.OpenConns(), "the timed-out connection is closed, not pooled")
}

func TestRunCountsErrorsByCause(t *testing.T) {
	srv, _ := slowServer(t, 0)
	target := srv.URL
	srv.Close() // nothing listens there any more
	res, err := clients.Run(context.Background(), clients.NewFaulty(), load(target))
	require.NoError(t, err)
	assert.Equal(t, res.Requests, res.Errors)
	assert.Equal(t, res.Requests, res.ErrorsByCause[neterr.Refused])
	assert.Zero(t, res.Dials)
}

func TestRunStopsAtSocketCap(t *testing.T) {
	srv, _ := slowServer(t, 10*time.Millisecond)
	f := clients.NewFaulty()
	defer f.Close()
	cfg := load(srv.URL)
	cfg.MaxSockets = 7
	res, err := clients.Run(context.Background(), f, cfg)
	require.NoError(t, err)
	assert.True(t, res.Capped)
	assert.Contains(t, res.CapMessage, "cap is 7")
	assert.LessOrEqual(t, f.OpenConns(), 7)
}

func TestRunStopsOnCancelAndWaitsForInFlight(t *testing.T) {
	srv, _ := slowServer(t, 100*time.Millisecond)
	f := clients.NewFixed(clients.FixedConfig{Timeout: 5 * time.Second})
	defer f.Close()
	cfg := load(srv.URL)
	cfg.Duration = 0 // until cancelled
	var ticks int
	cfg.OnTick = func(clients.Status) { ticks++ }
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	res, err := clients.Run(ctx, f, cfg)
	require.NoError(t, err)
	assert.Equal(t, res.Requests, res.OK, "in-flight requests finished after the cancel: %v", res.ErrorsByCause)
	assert.Positive(t, ticks)
}

func TestRunDrainTimeoutCancelsStragglers(t *testing.T) {
	srv, _ := slowServer(t, time.Hour)
	f := clients.NewFaulty()
	defer f.Close()
	cfg := load(srv.URL)
	cfg.Duration, cfg.DrainTimeout = 50*time.Millisecond, 100*time.Millisecond
	res, err := clients.Run(context.Background(), f, cfg)
	require.NoError(t, err)
	assert.Equal(t, res.Requests, res.Cancelled)
	assert.Equal(t, res.Requests, res.ErrorsByCause[neterr.Canceled])
}

func TestLoadConfigValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*clients.LoadConfig)
		field  string
		want   string
	}{
		{"no target", func(c *clients.LoadConfig) { c.Target = "" }, "Target", "Target: no target URL"},
		{"https", func(c *clients.LoadConfig) { c.Target = "https://127.0.0.1/" }, "Target", "https is not supported"},
		{"host:port", func(c *clients.LoadConfig) { c.Target = "127.0.0.1:80" }, "Target", "give http://127.0.0.1:80/"},
		{"port out of range", func(c *clients.LoadConfig) { c.Target = "http://127.0.0.1:99999/" }, "Target", `port "99999" is out of range`},
		{"remote", func(c *clients.LoadConfig) { c.Target = "http://192.0.2.1/" }, "Target", "not a loopback address"},
		{"zero interval", func(c *clients.LoadConfig) { c.Interval = 0 }, "Interval", "Interval 0s: must be positive"},
		{"negative extra", func(c *clients.LoadConfig) { c.Extra = -2 }, "Extra", "Extra -2: must be 0 or more"},
		{"negative duration", func(c *clients.LoadConfig) { c.Duration = -time.Second }, "Duration", "Duration -1s: is negative"},
		{"interval too long", func(c *clients.LoadConfig) { c.Interval = time.Second }, "Interval", "is not shorter than Duration"},
		{"negative cap", func(c *clients.LoadConfig) { c.MaxSockets = -1 }, "MaxSockets", "MaxSockets -1: is negative"},
		{"negative drain", func(c *clients.LoadConfig) { c.DrainTimeout = -1 }, "DrainTimeout", "DrainTimeout -1ns: is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := load("http://127.0.0.1:1")
			tc.change(&c)
			err := c.Validate()
			var fe *fielderr.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestRunChecksItsConfig checks a library caller of Run gets the checks:
// a remote target without AllowRemote and a nil requester are refused
// before anything is sent.
func TestRunChecksItsConfig(t *testing.T) {
	f := clients.NewFixed(clients.FixedConfig{})
	defer f.Close()
	_, err := clients.Run(context.Background(), f, load("http://192.0.2.1:80/"))
	assert.ErrorContains(t, err, "not a loopback address")
	_, err = clients.Run(context.Background(), nil, load("http://127.0.0.1:1/"))
	assert.ErrorContains(t, err, "no requester")
	assert.ErrorContains(t, clients.FixedConfig{Timeout: -time.Second}.Validate(), "Timeout -1s: is negative")
	assert.ErrorContains(t, clients.FixedConfig{IdleConnTimeout: -time.Second}.Validate(), "IdleConnTimeout -1s: is negative")
}

// TestJSONDurationsAreSeconds checks Status and Result write Elapsed as
// float seconds under elapsed_seconds, and read it back.
func TestJSONDurationsAreSeconds(t *testing.T) {
	r := clients.Result{Variant: "fixed", Elapsed: 1500 * time.Millisecond, Requests: 3}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"elapsed_seconds":1.5`)
	assert.NotContains(t, string(b), `"Elapsed"`)
	var back clients.Result
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)

	s := clients.Status{Elapsed: 250 * time.Millisecond, Sent: 2}
	b, err = json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"elapsed_seconds":0.25,"sent":2,"ok":0,"errors":0,"in_flight":0,"open_conns":0}`, string(b))
}
