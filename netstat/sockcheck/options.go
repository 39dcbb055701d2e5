package sockcheck

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

const (
	// DefaultInterval is how often a Watcher samples the socket table, and
	// the longest pause between two samples of a check that is waiting for
	// sockets to close. One sample costs a few milliseconds with the
	// netlink census (about 4 ms with 1,000 sockets open, 20 ms with 5,000,
	// on 2 cores; see BenchmarkSample), several times that with gopsutil.
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
	// allowClosed lets a check pass with nothing listening on its port.
	allowClosed bool
	// skip leaves sockets out that a caller knows are not leaks (Track:
	// the server's ends of connections net/http still manages).
	skip func(netstat.Socket) bool
	// afterTests says the check runs after every test (VerifyTestMain).
	afterTests bool
	// hijacked reports the server's ends of hijacked connections (Track).
	hijacked func(conn) bool
	take     netstat.Options // the census engine (engine.go)
	err      error           // the first invalid option
}

// conn names a socket by its two ends, which stay the same while its
// state changes.
type conn struct{ local, remote netip.AddrPort }

func connOf(k netstat.Socket) conn { return conn{k.Local, k.Remote} }

// Integer is any integer type, so that a port or a pid goes in as the
// test has it: an int from net.TCPAddr.Port or os.Getpid, a uint16 from
// netip.AddrPort.Port.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Pid checks the sockets of process pid instead of this one's; 0 checks
// every process. Default: this process (netstat.Self).
func Pid[P Integer](pid P) Option {
	return optionFunc(func(c *config) {
		if int64(pid) < 0 || uint64(pid) > math.MaxInt32 {
			c.fail(fmt.Errorf("sockcheck.Pid(%d): not a process id; pass os.Getpid() or a pid from ps, or 0 for every process", pid))
			return
		}
		c.sel.Pid = int32(pid)
	})
}

// Port checks both ends of connections to port p: the server side (local
// port p) and the client side (remote port p). With both ends in this
// process, one open connection counts as two sockets.
func Port[P Integer](p P) Option {
	return portOption("Port", p, func(c *config, p uint16) { c.sel.Port = p })
}

// LocalPort checks sockets whose local port is p: the server side of a
// server listening on p.
func LocalPort[P Integer](p P) Option {
	return portOption("LocalPort", p, func(c *config, p uint16) { c.sel.LocalPort = p })
}

// RemotePort checks sockets whose remote port is p: the client side of
// connections to a server on p. This is the selection for a client test:
//
//	sockcheck.RemotePort(sockcheck.PortOf(srv))
func RemotePort[P Integer](p P) Option {
	return portOption("RemotePort", p, func(c *config, p uint16) { c.sel.RemotePort = p })
}

// portOption checks that p is a TCP port, 1 to 65535, before set uses it.
func portOption[P Integer](name string, p P, set func(*config, uint16)) Option {
	return optionFunc(func(c *config) {
		if int64(p) <= 0 || uint64(p) > math.MaxUint16 {
			c.fail(fmt.Errorf("sockcheck.%s(%d): not a TCP port (1-65535); pass the server's port, e.g. sockcheck.%s(sockcheck.PortOf(srv))", name, p, name))
			return
		}
		set(c, uint16(p))
	})
}

// IP is an IP address as a test has it: a netip.Addr, a net.IP (from
// net.ParseIP or a net.TCPAddr) or a string such as "127.0.0.1" or "::1".
type IP interface{ netip.Addr | net.IP | ~string }

// Addr checks sockets whose local or remote address is a.
func Addr[A IP](a A) Option {
	return optionFunc(func(c *config) {
		ip, ok := toAddr(a)
		if !ok {
			c.fail(fmt.Errorf("sockcheck.Addr(%v): not an IP address; pass one such as \"127.0.0.1\", \"::1\" or net.ParseIP's result", a))
			return
		}
		c.sel.Addr = ip.Unmap()
	})
}

func toAddr(a any) (netip.Addr, bool) {
	switch a := a.(type) {
	case netip.Addr:
		return a, a.IsValid()
	case net.IP:
		return netip.AddrFromSlice(a)
	}
	ip, err := netip.ParseAddr(fmt.Sprint(a))
	return ip, err == nil
}

// AllowClosedServer lets a check with a port pass when nothing listens on
// that port in this network namespace: the server was closed on purpose,
// or runs on another host. Without it, such a check fails, because the
// client's ends of idle connections close with the server's and a leak
// would pass unseen.
func AllowClosedServer() Option {
	return optionFunc(func(c *config) { c.allowClosed = true })
}

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
	// Only the sockets' ends are kept: no owners needed.
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{}, netstat.Options{SkipOwners: true})
	if err != nil {
		err = fmt.Errorf("sockcheck.IgnoreCurrent: %w", err)
	}
	return optionFunc(func(c *config) {
		c.fail(err)
		Ignore(snap.Sockets...).apply(c)
	})
}

// PortOf returns the port of what a test has in hand for a server: an
// *httptest.Server, a net.Listener, a net.Addr (such as
// srv.Listener.Addr()), a netip.AddrPort, a *url.URL, or a string holding
// a URL ("http://127.0.0.1:8080/x") or a host:port ("[::1]:8080"). Like
// regexp.MustCompile it is for setup code: it panics, naming the value
// and what to pass, when it finds no port.
func PortOf(server any) int {
	if p, ok := portOf(server); ok {
		return int(p)
	}
	panic(fmt.Sprintf("sockcheck.PortOf(%s): no TCP port in it; pass an *httptest.Server, its URL or its Listener.Addr()", describe(server)))
}

// describe names a value for a message: a string or a Stringer quoted, any
// other value by its type.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case fmt.Stringer:
		return fmt.Sprintf("%T %q", v, v.String())
	}
	return fmt.Sprintf("%T", v)
}

func portOf(v any) (uint16, bool) {
	switch v := v.(type) {
	case *httptest.Server:
		if v == nil || v.Listener == nil {
			return 0, false
		}
		return portOf(v.Listener.Addr())
	case net.Listener:
		return portOf(v.Addr())
	case *net.TCPAddr:
		if v == nil || v.Port <= 0 || v.Port > math.MaxUint16 {
			return 0, false
		}
		return uint16(v.Port), true
	case netip.AddrPort:
		return v.Port(), v.Port() != 0
	case *url.URL:
		return portOfURL(v)
	case net.Addr:
		return portOfHostPort(v.String())
	case string:
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			return portOfURL(u)
		}
		return portOfHostPort(v)
	}
	return 0, false
}

func portOfURL(u *url.URL) (uint16, bool) {
	if u == nil {
		return 0, false
	}
	if u.Port() == "" {
		return map[string]uint16{"http": 80, "https": 443}[u.Scheme], u.Scheme == "http" || u.Scheme == "https"
	}
	return portOfHostPort(u.Host)
}

func portOfHostPort(hostport string) (uint16, bool) {
	_, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return 0, false
	}
	p, err := strconv.ParseUint(port, 10, 16)
	return uint16(p), err == nil && p != 0
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
