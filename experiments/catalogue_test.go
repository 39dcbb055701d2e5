package experiments_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The catalogue's tests run each pair under compressed time: a 200 ms
// server, one request every 20 ms plus up to two more (λ = 100/s, so
// λ·W = 20 in flight) for 1.5 s, about 140 requests per variant. Each
// asserts, with the tolerance written next to it, that the faulty variant
// shows its symptom in the kernel's census and in its own counters, and
// that the fixed one does not.

// catalogueRun runs one scenario of the catalogue under compressed time.
func catalogueRun(t *testing.T, scenario string) (faulty, fixed experiments.VariantResult) {
	t.Helper()
	c := experiments.DefaultConfig()
	c.Scenario = scenario
	c.Delay, c.Interval, c.Duration = 200*time.Millisecond, 20*time.Millisecond, 1500*time.Millisecond
	c.SettleTimeout = 3 * time.Second
	rep, err := experiments.Compare(context.Background(), c)
	require.NoError(t, err)
	faulty, fixed = variant(t, rep, clients.Faulty), variant(t, rep, clients.Fixed)
	require.NotEmpty(t, faulty.Series, "the census was sampled")
	require.Positive(t, faulty.Requests, "the faulty variant sent requests")
	require.Positive(t, fixed.Requests, "the fixed variant sent requests")
	assert.Equal(t, experiments.Leaking, faulty.Verdict, faulty.Meaning)
	assert.Equal(t, experiments.Bounded, fixed.Verdict, fixed.Meaning)
	return faulty, fixed
}

// fixedStaysUnder checks every sample of the fixed variant against the
// worst case of a correct client.
func fixedStaysUnder(t *testing.T, fixed experiments.VariantResult, side func(experiments.Sample) int) {
	t.Helper()
	for _, s := range fixed.Series {
		assert.LessOrEqual(t, side(s), fixed.BoundDetail.Max, "fixed at t=%.2fs passes the worst case %s", s.T, fixed.BoundDetail)
	}
}

func clientEstablished(s experiments.Sample) int { return s.Client[netstat.Established] }

// TestBodyNotClosed: every answered request of the faulty client pins its
// connection (ESTABLISHED, or CLOSE_WAIT once the server's idle timeout
// closed its end) and two goroutines, its persistConn read and write
// loops. Tolerances: 90% of the answered requests, for a socket the census
// could miss while it changed state; goroutines within 10% of two per
// connection. The fixed client keeps its idle pool (2) at most, with two
// goroutines per pooled connection.
func TestBodyNotClosed(t *testing.T) {
	faulty, fixed := catalogueRun(t, experiments.BodyNotClosed)

	held := faulty.SettledEstablished + faulty.CloseWait
	assert.GreaterOrEqual(t, float64(held), 0.9*float64(faulty.OK), "faulty holds a connection per answered request (%d of %d)", held, faulty.OK)
	assert.Positive(t, faulty.CloseWait, "the server's idle timeout turned held connections into CLOSE_WAIT")
	assert.InDelta(t, 2*held, faulty.Goroutines, 0.1*float64(2*held), "two goroutines per held connection")
	assert.Equal(t, faulty.Requests, faulty.Dials, "nothing is reused: every body still holds its connection")

	fixedHeld := fixed.SettledEstablished + fixed.CloseWait
	assert.LessOrEqual(t, fixedHeld, fixed.BoundDetail.Idle, "fixed keeps its idle pool at most")
	assert.LessOrEqual(t, fixed.Goroutines, 2*fixed.BoundDetail.Idle, "two goroutines per pooled connection at most")
	assert.Positive(t, fixed.Reused, "fixed reuses connections")
	fixedStaysUnder(t, fixed, clientEstablished)
	assertReleased(t, faulty.Port, fixed.Port)
}

// TestBodyNotDrained: the faulty client dials for every request and
// leaves a TIME_WAIT socket per request on the client side (selected by
// port: TIME_WAIT has no pid). Tolerances: 95% of the requests dial, 90%
// of the dials leave TIME_WAIT (for the census's timing). The fixed one
// reuses: it never dials more connections than a correct client can have
// in flight (Bound.Max), and closes none but for failed requests.
func TestBodyNotDrained(t *testing.T) {
	faulty, fixed := catalogueRun(t, experiments.BodyNotDrained)

	assert.GreaterOrEqual(t, faulty.DialsPerRequest, 0.95, "faulty dials for (nearly) every request")
	assert.GreaterOrEqual(t, float64(faulty.TimeWait), 0.9*float64(faulty.Dials), "faulty leaves a TIME_WAIT per connection")
	assert.LessOrEqual(t, faulty.PeakEstablished, faulty.BoundDetail.Max, "churn is no pile-up: ESTABLISHED stays within the bound")

	assert.LessOrEqual(t, fixed.Dials, int64(fixed.BoundDetail.Max), "fixed dials no more than it can have in flight")
	assert.LessOrEqual(t, int64(fixed.TimeWait), fixed.Errors+int64(fixed.BoundDetail.Idle), "fixed closes nothing but failed connections")
	assert.Less(t, fixed.DialsPerRequest, 0.5, "fixed reuses most connections")
	assertReleased(t, faulty.Port, fixed.Port)
}

// TestUndrainedLargeBodyIsReset checks what docs/03-body-not-drained.md
// says of big answers: when the unread rest is still in the kernel, Linux
// resets the connection on close, so the same bug dials for every request
// but leaves no TIME_WAIT.
func TestUndrainedLargeBodyIsReset(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Delay, cfg.ReportEvery, cfg.BodySize, cfg.ShutdownGrace = "127.0.0.1:0", 0, 0, 256<<10, time.Second
	srv := server.New(cfg)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	req := clients.NewUndrainedBody(clients.PoolConfig{MaxIdleConnsPerHost: 10, Timeout: 10 * time.Second})
	defer req.Close()

	const n = 20
	for range n {
		o := req.Do(context.Background(), srv.URL())
		require.NoError(t, o.Err)
		assert.True(t, o.Dialled, "no connection is reused")
	}
	sel := netstat.Selector{RemotePort: srv.Port()}
	var snap netstat.Snapshot
	require.Eventually(t, func() bool {
		var err error
		snap, err = netstat.Take(context.Background(), sel)
		return err == nil && snap.Count(netstat.SideClient, netstat.Established) == 0
	}, 5*time.Second, 20*time.Millisecond, "the client closed its connections: %v", snap.Sorted())
	assert.Zero(t, snap.Count(netstat.SideClient, netstat.TimeWait), "reset connections leave no TIME_WAIT: %v", snap.Sorted())
}

// TestNoTimeout: against a server that never answers, the faulty client's
// requests never end: all of them are in flight when the load stops, and
// the drain timeout cancels every one (exact: nothing else can end them).
// The fixed client's requests all fail on their timeout, and its requests
// in flight stay within the worst case for W = the timeout. The whole run
// stays bounded in time: sending, the drain timeout (2·delay + 5 s),
// settling.
func TestNoTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the load's drain timeout (5.4 s); -short skips it")
	}
	start := time.Now()
	faulty, fixed := catalogueRun(t, experiments.NoTimeout)
	assert.Less(t, time.Since(start), 20*time.Second, "the hang ends with the run")

	worst := int64(faulty.BoundDetail.Max - faulty.BoundDetail.Idle)
	assert.Greater(t, faulty.PeakInFlight, worst, "faulty in flight passes the worst case of a client with a timeout")
	assert.Greater(t, faulty.PeakEstablished, faulty.BoundDetail.Max, "faulty ESTABLISHED passes the worst case")
	assert.Equal(t, faulty.Requests, faulty.Cancelled, "no faulty request ended by itself")
	assert.Zero(t, faulty.OK)

	assert.LessOrEqual(t, fixed.PeakInFlight, worst, "fixed in flight stays within λ·T's worst case")
	assert.Equal(t, fixed.Requests, fixed.ErrorsByCause[neterr.Timeout], "every fixed request failed on its timeout")
	assert.Zero(t, fixed.Cancelled)
	fixedStaysUnder(t, fixed, clientEstablished)
	assertReleased(t, faulty.Port, fixed.Port)
}

// TestIdlePoolTooSmall: with Go's default pool of 2 under λ·W = 20, the
// faulty client closes connections while the load sends, each leaving
// TIME_WAIT on the client side, while its ESTABLISHED count stays within
// the bound (churn, not a pile-up). Measured here: 0.28 to 0.36 dials
// per request; the test asks for a third of that (0.1) and for more
// connections closed while sending than a client that reuses may close
// (its errors + 2), in the program's count and in the kernel's. The fixed
// one, with a pool sized to the load, closes none.
func TestIdlePoolTooSmall(t *testing.T) {
	faulty, fixed := catalogueRun(t, experiments.IdlePoolTooSmall)

	tolerance := func(v experiments.VariantResult) int { return int(v.Errors) + v.BoundDetail.Idle }
	// When the load stops, a pool of 2 drops at most its peak connections
	// but 2; every other TIME_WAIT was left while sending. (The samples
	// taken while sending may be few on a busy machine, so the settled
	// census is the kernel's evidence here.)
	whileSending := faulty.TimeWait - (faulty.PeakEstablished - faulty.BoundDetail.Idle)
	assert.Greater(t, whileSending, tolerance(faulty), "faulty leaves TIME_WAIT behind while sending: %s", faulty.Meaning)
	assert.Greater(t, faulty.Churned, int64(tolerance(faulty)), "faulty closes connections while sending")
	assert.GreaterOrEqual(t, faulty.DialsPerRequest, 0.1, "faulty keeps dialling")
	assert.LessOrEqual(t, faulty.PeakEstablished, faulty.BoundDetail.Max, "churn is no pile-up: ESTABLISHED stays within the bound")

	assert.LessOrEqual(t, fixed.TimeWait, tolerance(fixed), "fixed closes nothing but failed connections")
	assert.LessOrEqual(t, fixed.Churned, int64(tolerance(fixed)))
	assert.LessOrEqual(t, fixed.Dials, int64(fixed.BoundDetail.Max), "fixed dials no more than it can have in flight")
	assert.Less(t, fixed.DialsPerRequest, faulty.DialsPerRequest)
	assertReleased(t, faulty.Port, fixed.Port)
}

// TestServerNoIdleTimeout: the quiet client opens a connection per
// request and goes quiet on it. The faulty server, without timeouts,
// still holds them when the load has settled (tolerance: 90%, for a
// socket the census could miss); the fixed server holds at most the worst
// case of Little's law with W = its IdleTimeout in every sample, and none
// once settled (the census settles only after the last one timed out).
func TestServerNoIdleTimeout(t *testing.T) {
	faulty, fixed := catalogueRun(t, experiments.ServerNoIdleTimeout)

	assert.GreaterOrEqual(t, float64(faulty.ServerEstablished), 0.9*float64(faulty.Requests), "faulty server holds every quiet connection")
	assert.Greater(t, faulty.PeakServerEstablished, faulty.BoundDetail.Max)
	assert.Equal(t, faulty.Requests, faulty.Dials, "one connection per request")

	fixedStaysUnder(t, fixed, func(s experiments.Sample) int { return s.Server[netstat.Established] })
	assert.Zero(t, fixed.ServerEstablished, "fixed server closed every quiet connection")
	assert.Equal(t, fixed.Requests, fixed.OK, "the quiet client sent everything")
	assertReleased(t, faulty.Port, fixed.Port)
}

// TestCatalogue checks what -list and the docs rely on: lesson order, a
// lesson file, a symptom, and a table whose every cell is known.
func TestCatalogue(t *testing.T) {
	all := experiments.Scenarios()
	require.GreaterOrEqual(t, len(all), 6)
	assert.Equal(t, experiments.NewClientPerRequest, all[0].Name, "the first lesson's scenario comes first")
	for i, sc := range all {
		if i > 0 {
			assert.Less(t, all[i-1].Lesson, sc.Lesson, "catalogue in lesson order")
		}
		assert.NotEmpty(t, sc.Summary, sc.Name)
		assert.NotEmpty(t, sc.Symptom, sc.Name)
		assert.FileExists(t, "../"+sc.Lesson, "lesson of %s", sc.Name)
		require.NotNil(t, sc.Judge, sc.Name)
		var b strings.Builder
		rep := experiments.Report{Config: experiments.Config{Scenario: sc.Name},
			Variants: []experiments.VariantResult{{Variant: clients.Faulty, Verdict: experiments.Leaking}}}
		require.NoError(t, rep.WriteTable(&b))
		assert.NotContains(t, b.String(), "│ ? ", "a column of %s has no cell", sc.Name)
		for _, col := range sc.Columns {
			assert.Contains(t, b.String(), col, "column of %s", sc.Name)
		}
	}
	_, err := os.Stat("../docs/README.md")
	assert.NoError(t, err, "the lessons index")
}
