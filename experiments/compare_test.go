package experiments_test

import (
	"context"
	"testing"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/fielderr"
	"github.com/leaklab/leaklab/netstat"
	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// compressed is the default comparison a hundred times faster: a 200 ms
// server and one request every 20 ms plus up to two more, so λ·W = 20.
func compressed() experiments.Config {
	c := experiments.DefaultConfig()
	c.Delay = 200 * time.Millisecond
	c.Interval = 20 * time.Millisecond
	c.Duration = 1500 * time.Millisecond
	c.SettleTimeout = 3 * time.Second
	return c
}

func variant(t *testing.T, rep experiments.Report, name string) experiments.VariantResult {
	t.Helper()
	for _, v := range rep.Variants {
		if v.Variant == name {
			return v
		}
	}
	require.FailNow(t, "variant missing", "no %s variant in the report", name)
	return experiments.VariantResult{}
}

// TestSocketCountStaysBounded checks the kit's central claim: the fixed
// client stays within the worst case of a correct client in every sample
// and settles to at most MaxIdleConnsPerHost; the faulty one exceeds it and
// keeps at least 80% of its finished requests' connections.
//
// Tolerances: Bound.Max is derived from the load (every tick at its
// largest burst for the ticks that fit in W, plus one tick of slack, plus
// the idle pool); the 80% leaves room for requests whose connection the
// server or the kernel had not yet settled when the census ran.
func TestSocketCountStaysBounded(t *testing.T) {
	rep, err := experiments.Compare(context.Background(), compressed())
	require.NoError(t, err)
	fixed, faulty := variant(t, rep, clients.Fixed), variant(t, rep, clients.Faulty)
	require.NotEmpty(t, fixed.Series, "the census was sampled")

	for _, s := range fixed.Series {
		assert.LessOrEqual(t, s.Client[netstat.Established], fixed.BoundDetail.Max,
			"fixed client ESTABLISHED at t=%.2fs exceeds the worst case %s", s.T, fixed.BoundDetail)
	}
	assert.LessOrEqual(t, fixed.SettledEstablished, clients.FixedMaxIdleConnsPerHost, "fixed settles to its idle pool")
	assert.Equal(t, experiments.Bounded, fixed.Verdict, fixed.Meaning)
	assert.Positive(t, fixed.Reused, "the fixed client reuses connections")

	finished := faulty.OK + faulty.Errors
	require.Positive(t, finished)
	assert.Greater(t, faulty.PeakEstablished, faulty.BoundDetail.Max, "faulty exceeds the bound")
	assert.GreaterOrEqual(t, float64(faulty.SettledEstablished), 0.8*float64(finished),
		"faulty keeps a connection per finished request (%d of %d)", faulty.SettledEstablished, finished)
	assert.Equal(t, faulty.Requests, faulty.Dials, "faulty dials for every request")
	assert.Equal(t, experiments.Leaking, faulty.Verdict, faulty.Meaning)

	assertReleased(t, faulty.Port, fixed.Port)
}

// assertReleased checks that a finished run left no ESTABLISHED or
// CLOSE_WAIT socket on its servers' ports, either side, in any process:
// the faulty client let go of what it leaked. The run has closed its
// servers, on purpose.
func assertReleased(t *testing.T, ports ...uint16) {
	t.Helper()
	for _, p := range ports {
		sockcheck.VerifyNone(t, sockcheck.Pid(0), sockcheck.Port(p), sockcheck.AllowClosedServer())
	}
}

func TestCompareInterruptedStillReports(t *testing.T) {
	c := compressed()
	c.Duration = time.Minute
	// Interrupt once both variants have sent requests (a loaded machine
	// may take seconds to start the servers), or after 20 s at the latest.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c.OnSample = func(l experiments.Live) {
		if len(l.Samples) < 2 {
			return
		}
		for _, s := range l.Samples {
			if s.Sent == 0 {
				return
			}
		}
		cancel()
	}
	rep, err := experiments.Compare(ctx, c)
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	require.Len(t, rep.Variants, 2)
	assert.Positive(t, variant(t, rep, clients.Faulty).Requests)
	assert.Less(t, rep.Elapsed, 30.0, "Ctrl-C does not wait for the minute")
}

func TestCompareStopsAtSocketCap(t *testing.T) {
	c := compressed()
	c.MaxSockets = 15
	rep, err := experiments.Compare(context.Background(), c)
	require.NoError(t, err)
	faulty := variant(t, rep, clients.Faulty)
	assert.True(t, faulty.Capped, "the leaking client hit the cap")
	assert.Contains(t, faulty.CapMessage, "cap is 15")
	assert.LessOrEqual(t, faulty.SettledEstablished, 15, "the cap held")
	assertReleased(t, faulty.Port)
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*experiments.Config)
		field  string
		want   string
	}{
		{"negative delay", func(c *experiments.Config) { c.Delay = -time.Second }, "Delay", "Delay -1s: is negative"},
		{"zero interval", func(c *experiments.Config) { c.Interval = 0 }, "Interval", "Interval 0s: must be positive"},
		{"interval not shorter", func(c *experiments.Config) { c.Interval = time.Minute }, "Interval", "is not shorter than Duration"},
		{"negative extra", func(c *experiments.Config) { c.Extra = -1 }, "Extra", "Extra -1: must be 0 or more"},
		{"no cap", func(c *experiments.Config) { c.MaxSockets = 0 }, "MaxSockets", "MaxSockets 0: must be positive"},
		{"negative sample period", func(c *experiments.Config) { c.SampleEvery = -1 }, "SampleEvery", "SampleEvery -1ns: is negative"},
		{"unknown scenario", func(c *experiments.Config) { c.Scenario = "nope" }, "Scenario", `Scenario "nope": unknown scenario; give one of new-client-per-request, `},
		{"unknown engine", func(c *experiments.Config) { c.Engine = "ss" }, "Engine", `Engine "ss": is not a census engine`},
		{"all", func(c *experiments.Config) { c.Scenario = experiments.All }, "Scenario", "CompareAll runs the whole catalogue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := experiments.DefaultConfig()
			tc.change(&c)
			err := c.Validate()
			var fe *fielderr.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.NoError(t, experiments.DefaultConfig().Validate())
}

// TestCompareAllScenarioIsAnErrorNotAPanic gives Compare the value that
// stands for the whole catalogue: it returns the Validate error, having
// started nothing, where it used to call a nil Requester.
func TestCompareAllScenarioIsAnErrorNotAPanic(t *testing.T) {
	c := experiments.DefaultConfig()
	c.Scenario = experiments.All
	var err error
	require.NotPanics(t, func() { _, err = experiments.Compare(context.Background(), c) })
	assert.ErrorContains(t, err, "CompareAll runs the whole catalogue")
}

func TestNewBound(t *testing.T) {
	b := experiments.NewBound(compressed(), 2)
	assert.InDelta(t, 100.0, b.Lambda, 1e-9, "2 requests per 20 ms tick on average")
	assert.InDelta(t, 20.0, b.InFlight, 1e-9, "λ·W")
	assert.InDelta(t, 22.0, b.Expected, 1e-9)
	assert.Equal(t, 3*(10+2)+2, b.Max, "3 per tick for 10 ticks, 2 of slack, plus the pool")
}
