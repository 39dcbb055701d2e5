package sockcheck

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

const (
	// DefaultInterval is how often a Watcher samples the socket table, and
	// the longest pause between two samples of a check that is waiting for
	// sockets to close. One sample costs tens of milliseconds (about 15 ms
	// with 1,000 sockets open, 40 ms with 5,000, on 2 cores; see
	// BenchmarkSample): a census by pid still parses the network
	// namespace's whole TCP table, TIME_WAIT included.
	DefaultInterval = 50 * time.Millisecond
	// DefaultTimeout is how long a check waits for sockets to close before
	// it fails: long enough for a Transport's readLoop to notice a closed
	// peer on a loaded CI machine, short enough for a failing test.
	DefaultTimeout = 5 * time.Second
)

// firstRetry is the first pause of a check's capped exponential backoff.
const firstRetry = time.Millisecond

// defaultStates are the states a check counts unless States is given: a
// socket in them still holds a file descriptor of this process.
var defaultStates = []string{netstat.Established, netstat.CloseWait}

// Option configures a check or a Watcher.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	sel      netstat.Selector // States holds the states the check counts
	interval time.Duration
	timeout  time.Duration
	ignored  map[conn]bool
	take     netstat.Options // the census engine (engine.go)
	err      error           // the first invalid option
}

// conn names a socket by its two ends, which stay the same while its
// state changes.
type conn struct{ local, remote netip.AddrPort }

func connOf(k netstat.Socket) conn { return conn{k.Local, k.Remote} }

// Pid checks the sockets of process pid instead of this one's; 0 checks
// every process. Default: this process (netstat.Self).
func Pid(pid int32) Option { return optionFunc(func(c *config) { c.sel.Pid = pid }) }

// Port checks both ends of connections to port p: the server side (local
// port p) and the client side (remote port p). With both ends in this
// process, one open connection counts as two sockets.
func Port(p uint16) Option { return optionFunc(func(c *config) { c.sel.Port = p }) }

// LocalPort checks sockets whose local port is p: the server side of a
// server listening on p.
func LocalPort(p uint16) Option { return optionFunc(func(c *config) { c.sel.LocalPort = p }) }

// RemotePort checks sockets whose remote port is p: the client side of
// connections to a server on p. This is the selection for a client test.
func RemotePort(p uint16) Option { return optionFunc(func(c *config) { c.sel.RemotePort = p }) }

// Addr checks sockets whose local or remote address is a.
func Addr(a netip.Addr) Option { return optionFunc(func(c *config) { c.sel.Addr = a.Unmap() }) }

// States sets the TCP states a check counts, netstat constants such as
// netstat.TimeWait. Default: netstat.Established and netstat.CloseWait,
// the states of a socket this process still holds. TIME_WAIT sockets
// belong to no process: counting them needs Port, LocalPort or RemotePort.
func States(states ...string) Option {
	return optionFunc(func(c *config) {
		for _, st := range states {
			if !slices.Contains(netstat.States, st) {
				c.fail(fmt.Errorf("sockcheck.States(%q): unknown TCP state; use a netstat constant such as netstat.Established", st))
			}
		}
		c.sel.States = slices.Clone(states)
	})
}

// Interval sets how often a Watcher samples, and the longest pause between
// two samples of a waiting check. Default: DefaultInterval.
func Interval(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			c.fail(fmt.Errorf("sockcheck.Interval(%v): the interval must be positive; try sockcheck.DefaultInterval (%v)", d, DefaultInterval))
		}
		c.interval = d
	})
}

// Timeout sets how long a check waits for sockets to close before it
// fails. Default: DefaultTimeout.
func Timeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			c.fail(fmt.Errorf("sockcheck.Timeout(%v): the timeout must be positive; try sockcheck.DefaultTimeout (%v)", d, DefaultTimeout))
		}
		c.timeout = d
	})
}

// Ignore leaves these sockets out of every count, matched by their local
// and remote addresses whatever their state: connections the test knows
// about and does not own, such as a shared database pool.
func Ignore(sockets ...netstat.Socket) Option {
	return optionFunc(func(c *config) {
		for _, k := range sockets {
			c.ignored[connOf(k)] = true
		}
	})
}

// IgnoreCurrent reads every TCP socket now, when IgnoreCurrent is called,
// and leaves them out of every count: the baseline of a check. In
// `defer sockcheck.VerifyNone(t, sockcheck.IgnoreCurrent())` it runs at the
// defer statement, as every argument of a deferred call does.
func IgnoreCurrent() Option {
	snap, err := netstat.Take(context.Background(), netstat.Selector{})
	if err != nil {
		err = fmt.Errorf("sockcheck.IgnoreCurrent: %w", err)
	}
	return optionFunc(func(c *config) {
		c.fail(err)
		Ignore(snap.Sockets...).apply(c)
	})
}

// PortOf returns the port of a TCP address, such as an httptest.Server's
// Listener.Addr(). It panics, naming the address, when addr has no port.
func PortOf(addr net.Addr) uint16 {
	if a, ok := addr.(*net.TCPAddr); ok {
		return uint16(a.Port)
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		panic(fmt.Sprintf("sockcheck.PortOf(%q): not a TCP host:port address; pass a TCP listener's Addr()", addr))
	}
	return ap.Port()
}

func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// newConfig applies the options to the defaults and checks the result.
func newConfig(opts []Option) (*config, error) {
	c := &config{
		sel:      netstat.Self(),
		interval: DefaultInterval,
		timeout:  DefaultTimeout,
		ignored:  map[conn]bool{},
	}
	c.sel.States = defaultStates
	for _, o := range opts {
		o.apply(c)
	}
	if c.err != nil {
		return nil, c.err
	}
	return c, c.check()
}

func (c *config) check() error {
	byPort := c.sel.Port != 0 || c.sel.LocalPort != 0 || c.sel.RemotePort != 0
	if c.sel.Pid != 0 && !byPort && slices.Contains(c.sel.States, netstat.TimeWait) {
		return fmt.Errorf("sockcheck: a selection by pid alone (%s) never sees TIME_WAIT sockets, which belong to no process; add sockcheck.Port, LocalPort or RemotePort", c.sel)
	}
	if len(c.sel.States) == 0 {
		return fmt.Errorf("sockcheck.States(): no state to count; omit States for the default (ESTABLISHED, CLOSE_WAIT)")
	}
	return nil
}
