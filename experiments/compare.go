package experiments

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// variantRun is one variant in progress: its server, its client and what
// has been seen of them.
type variantRun struct {
	name   string
	srv    *server.Server
	req    clients.Requester
	status atomic.Pointer[clients.Status]
	result clients.Result
	series []Sample
	// earlier holds the sockets that were on the server's port before the
	// load started (see rememberEarlier); written before the sampler
	// starts, read only by it and then by settle.
	earlier map[[2]netip.AddrPort]bool
}

// Compare runs the scenario's faulty and fixed variants side by side and
// returns what each did. Cancelling ctx stops the load early; the report
// is still complete. Everything the run opened is closed on return.
func Compare(ctx context.Context, c Config) (Report, error) {
	if err := c.Validate(); err != nil {
		return Report{}, err
	}
	sc, _ := Lookup(c.Scenario)
	rep := Report{Config: c, Started: time.Now()}
	runs, err := startVariants(sc, c)
	if err != nil {
		return Report{}, err
	}
	defer release(runs)
	smp := startSampler(runs, c, rep.Started)
	err = runLoads(ctx, runs, c)
	smp.stop()
	if err != nil {
		return Report{}, err
	}
	rep.Interrupted = ctx.Err() != nil
	settled := settle(runs, c)
	goroutines := goroutinesOf(runs)
	for i, r := range runs {
		v := judge(sc, c, r, settled[i], goroutines[i])
		v.Interrupted = rep.Interrupted
		rep.Variants = append(rep.Variants, v)
	}
	rep.Elapsed = time.Since(rep.Started).Seconds()
	return rep, nil
}

// All stands for the whole catalogue where a scenario name is asked for,
// e.g. on a command line. Config.Validate refuses it: a Config is one
// comparison; CompareAll runs them all.
const All = "all"

// CompareAll runs every scenario of the catalogue one after the other with
// the same settings; c.Scenario is ignored. Cancelling ctx stops the
// scenario that runs and skips the rest.
func CompareAll(ctx context.Context, c Config) (Suite, error) {
	var suite Suite
	for _, sc := range catalogue {
		if ctx.Err() != nil {
			break
		}
		c.Scenario = sc.Name
		rep, err := Compare(ctx, c)
		if err != nil {
			return suite, err
		}
		suite = append(suite, rep)
	}
	return suite, nil
}

// startVariants starts one server per variant on its own ephemeral
// loopback port, and builds the variant's client.
func startVariants(sc Scenario, c Config) ([]*variantRun, error) {
	var runs []*variantRun
	for _, name := range []string{clients.Faulty, clients.Fixed} {
		cfg := server.DefaultConfig()
		cfg.Addr, cfg.Delay, cfg.ReportEvery = "127.0.0.1:0", c.Delay, 0
		cfg.ShutdownGrace = time.Second
		if sc.Server != nil {
			sc.Server(name, c, &cfg)
		}
		srv := server.New(cfg)
		if err := srv.Start(); err != nil {
			release(runs)
			return nil, fmt.Errorf("start the %s variant's server: %w", name, err)
		}
		runs = append(runs, &variantRun{name: name, srv: srv, req: sc.Requester(name, c)})
	}
	return runs, nil
}

// runLoads drives every variant's client at once and waits for them.
// runLoads drives every variant's client at once, waits for them, and
// returns the loads that could not run.
func runLoads(ctx context.Context, runs []*variantRun, c Config) error {
	var wg sync.WaitGroup
	errs := make([]error, len(runs))
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc := clients.LoadConfig{
				Target: r.srv.URL(), Interval: c.Interval, Extra: c.Extra, Duration: c.Duration,
				Seed: c.Seed, MaxSockets: c.MaxSockets, DrainTimeout: 2*c.Delay + 5*time.Second,
				OnTick: func(s clients.Status) { r.status.Store(&s) },
			}
			var err error
			r.result, err = clients.Run(ctx, r.req, lc)
			if err != nil {
				errs[i] = fmt.Errorf("the %s variant's load: %w", r.name, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// release closes every client (the faulty one lets go of what it leaked)
// and every server.
func release(runs []*variantRun) {
	for _, r := range runs {
		r.req.Close()
		_ = r.srv.Close()
	}
}
