package clients_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dyingServer answers its first requests at once and holds the later ones
// until die is called; die then closes the listener and every open
// connection, with a RST as a crashed server does or with a FIN as a
// server that exits does.
type dyingServer struct {
	URL      string
	reset    bool
	hs       *http.Server
	ln       net.Listener
	served   atomic.Int64
	held     atomic.Int64
	dead     chan struct{}
	dieOnce  sync.Once
	mu       sync.Mutex
	conns    map[net.Conn]bool
	serveErr chan error
}

// startDying starts a dyingServer that answers the first answered
// requests, then holds every later one until it dies; reset says how
// it closes them then.
func startDying(t *testing.T, answered int64, reset bool) *dyingServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	d := &dyingServer{URL: "http://" + ln.Addr().String(), ln: ln, reset: reset, dead: make(chan struct{}),
		conns: map[net.Conn]bool{}, serveErr: make(chan error, 1)}
	d.hs = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.served.Add(1) <= answered {
			return
		}
		d.held.Add(1)
		select {
		case <-d.dead:
		case <-r.Context().Done():
		}
	}), ConnState: d.track}
	go func() { d.serveErr <- d.hs.Serve(ln) }()
	t.Cleanup(d.die)
	return d
}

func (d *dyingServer) track(c net.Conn, s http.ConnState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s == http.StateNew {
		d.conns[c] = true
	}
	if s == http.StateClosed || s == http.StateHijacked {
		delete(d.conns, c)
	}
}

// die closes the listener (new dials are refused) and every open
// connection (requests in flight see a reset, or the peer closing), then
// waits for the server.
func (d *dyingServer) die() {
	d.dieOnce.Do(func() {
		_ = d.ln.Close()
		d.mu.Lock()
		for c := range d.conns {
			if tc, ok := c.(*net.TCPConn); ok && d.reset {
				_ = tc.SetLinger(0) // close with a RST, as the kernel does for a crashed process
			}
			_ = c.Close()
		}
		d.mu.Unlock()
		close(d.dead)
		_ = d.hs.Close()
		<-d.serveErr
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, 5*time.Millisecond, "waiting for %s", what)
}

// TestRunSurvivesServerDeathMidRun kills the server while requests are in
// flight: the run goes on, counts the errors by cause (reset or closed by
// peer for the requests in flight, refused after) and ends as configured,
// for both variants. The faulty client dials afresh for every request, so
// the error of its requests in flight is the death's; the fixed one may
// retry a GET that failed on a reused connection, which is then refused.
func TestRunSurvivesServerDeathMidRun(t *testing.T) {
	cases := []struct {
		name     string
		reset    bool
		inFlight string
	}{{"crash with RST", true, neterr.Reset}, {"exit with FIN", false, neterr.EOF}}
	variants := map[string]func() clients.Requester{
		clients.Faulty: clients.NewFaulty,
		clients.Fixed:  func() clients.Requester { return clients.NewFixed(clients.FixedConfig{Timeout: 10 * time.Second}) },
	}
	for _, tc := range cases {
		for name, newReq := range variants {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				req := newReq()
				defer req.Close()
				res := runUntilDeath(t, req, startDying(t, 3, tc.reset))
				assertNamedCauses(t, res, neterr.Reset, neterr.EOF, neterr.Refused)
				assert.Positive(t, res.ErrorsByCause[neterr.Refused], "requests after the death are refused: %v", res.ErrorsByCause)
				assert.GreaterOrEqual(t, res.OK, int64(3), "the answers before the death count as ok")
				if req.Name() == clients.Faulty {
					assert.Positive(t, res.ErrorsByCause[tc.inFlight], "requests in flight at the death: %v", res.ErrorsByCause)
				}
			})
		}
	}
}

// runUntilDeath runs req against srv until requests are held in flight,
// kills srv, and cancels the run five requests later.
func runUntilDeath(t *testing.T, req clients.Requester, srv *dyingServer) clients.Result {
	t.Helper()

	cfg := load(srv.URL)
	cfg.Duration = 0 // until cancelled, after the death
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sent, sentAtDeath atomic.Int64
	sentAtDeath.Store(-1)
	cfg.OnTick = func(s clients.Status) {
		sent.Store(s.Sent)
		if at := sentAtDeath.Load(); at >= 0 && s.Sent-at >= 5 {
			cancel()
		}
	}
	done := make(chan clients.Result, 1)
	go func() { res, _ := clients.Run(ctx, req, cfg); done <- res }()
	waitFor(t, "requests held in flight", func() bool { return srv.held.Load() >= 2 })
	srv.die()
	sentAtDeath.Store(sent.Load())
	res := <-done
	t.Logf("%d requests, %d sent before the death, errors by cause %v", res.Requests, sentAtDeath.Load(), res.ErrorsByCause)
	assert.GreaterOrEqual(t, res.Requests-sentAtDeath.Load(), int64(5), "kept sending after the server died")
	return res
}

// assertNamedCauses checks that every error of res has one of the causes.
func assertNamedCauses(t *testing.T, res clients.Result, causes ...string) {
	t.Helper()
	var named int64
	for _, c := range causes {
		named += res.ErrorsByCause[c]
	}
	assert.Equal(t, res.Errors, named, "every error has a named cause: %v", res.ErrorsByCause)
	assert.Positive(t, res.Errors)
}

func TestRunStopsAfterErrors(t *testing.T) {
	srv, _ := slowServer(t, 0)
	target := srv.URL
	srv.Close() // nothing listens there: every request is refused
	cfg := load(target)
	cfg.Duration, cfg.StopAfterErrors = 0, 5
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := clients.Run(ctx, clients.NewFaulty(), cfg)
	require.NoError(t, err)
	assert.NoError(t, ctx.Err(), "the errors stopped the run, not the deadline")
	assert.True(t, res.StoppedOnErrors)
	assert.GreaterOrEqual(t, res.Errors, int64(5))
	assert.Equal(t, res.Errors, res.ErrorsByCause[neterr.Refused])
}

func TestRunCancelledBeforeStartSendsNothing(t *testing.T) {
	srv, _ := slowServer(t, time.Hour)
	f := clients.NewFaulty()
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C before the first tick
	res, err := clients.Run(ctx, f, load(srv.URL))
	require.NoError(t, err)
	assert.Zero(t, res.Requests, "a run interrupted before it starts sends nothing, so it has nothing to wait for")
	assert.Zero(t, f.OpenConns())
}

func TestLoadConfigRefusesFloodsAndNegativeStops(t *testing.T) {
	c := load("http://127.0.0.1:1")
	c.Interval = time.Microsecond
	err := c.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Interval 1µs: is shorter than 1ms")

	c = load("http://127.0.0.1:1")
	c.StopAfterErrors = -1
	err = c.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "StopAfterErrors -1: is negative")
}
