package sockcheck

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leaklab/leaklab/netstat"
)

// TestingT is the part of *testing.T a check uses, so that *testing.T,
// *testing.B and testify suites (suite.T()) all fit.
type TestingT interface {
	Helper()
	Errorf(format string, args ...any)
}

// Find waits until no socket the options select is open, and returns an
// error listing the sockets still open when Timeout passes, with the peak
// and hints at the cause. It returns nil as soon as none is open. It needs
// no test: call it from a TestMain, at the end of a benchmark, or from a
// program that checks itself.
//
// An error also reports an invalid option, an unreadable socket table, or
// a check that could see nothing: a port selected with Port, LocalPort or
// RemotePort that nothing listens on, because the server was closed before
// the check ran (see AllowClosedServer).
//
// Garbage collection pauses while Find waits: a net.Conn dropped without
// Close is closed by its finalizer when a collection finds it, and the
// check's own allocations would otherwise trigger that collection and hide
// the leak. A collection during the test itself can still close it before
// the check runs; GOGC=off makes sure.
func Find(opts ...Option) error {
	c, err := newConfig(opts)
	if err != nil {
		return err
	}
	return c.find(context.Background(), newRecord(), "")
}

// find waits until no selected socket is open; when says, in a failure's
// headline, when the check ran.
func (c *config) find(ctx context.Context, r *record, when string) error {
	defer pauseGC()()
	noneOpen := func(s sample) bool { return len(s.open) == 0 }
	last, err := poll(ctx, c, r, r.start.Add(c.timeout), noneOpen, c.checkListening)
	if err != nil {
		return err
	}
	if noneOpen(last) {
		return nil
	}
	headline := fmt.Sprintf("%s still open after %v%s: %s",
		plural(len(last.open), "socket"), c.timeout, when, stateLine(last.open))
	return errors.New(report(headline, c, r, last))
}

// ports are the ports the selection names.
func (c *config) ports() []uint16 {
	var out []uint16
	for _, p := range []uint16{c.sel.Port, c.sel.LocalPort, c.sel.RemotePort} {
		if p != 0 {
			out = append(out, p)
		}
	}
	return out
}

// checkListening fails a check, at its first sample, whose selected port
// nothing listens on: the server is gone, and with it the connections the
// check was meant to see. A listener of this process shows in the sample
// at no cost; only when the process has none is the whole table read.
func (c *config) checkListening(ctx context.Context, s sample) error {
	if c.allowClosed {
		return nil
	}
	for _, p := range c.ports() {
		if s.listening[p] {
			continue
		}
		o := c.take
		o.SkipOwners = true // whether it listens, not who
		snap, err := netstat.TakeWith(ctx, netstat.Selector{LocalPort: p, States: []string{netstat.Listen}}, o)
		if err != nil {
			return fmt.Errorf("sockcheck: %w", err)
		}
		if len(snap.Sockets) == 0 {
			return closedServer(c, p, s)
		}
	}
	return nil
}

func closedServer(c *config, port uint16, s sample) error {
	var b strings.Builder
	fmt.Fprintf(&b, "sockcheck: nothing listens on port %d: the server this check selects was closed before the check ran, "+
		"and its connections closed with it, so a leak would pass unseen\n", port)
	fmt.Fprintf(&b, "selection: %s\n", c.sel)
	writeSockets(&b, s)
	b.WriteString("fix: run the check before the server closes. Deferred calls run last-in, first-out, and all of them before any t.Cleanup, " +
		"which also run last-in, first-out: defer srv.Close() first, then defer the check; or t.Cleanup(srv.Close) first, then the check's t.Cleanup; " +
		"a defer srv.Close() always runs before a check in t.Cleanup. " +
		"Simplest: srv := sockcheck.NewServer(t, handler), which checks before the server closes whatever the test does\n")
	b.WriteString("fix: if the server runs on another host, or was closed on purpose, add sockcheck.AllowClosedServer()")
	return closedServerError(b.String())
}

// closedServerError is the failure of a check that could see nothing.
type closedServerError string

func (e closedServerError) Error() string { return string(e) }

// VerifyNone fails the test if a socket the options select is still open
// once Timeout has passed; see Find. Deferred, it checks at the end of the
// test, before the server closes if its Close was deferred first:
//
//	defer srv.Close()
//	defer sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv)))
//
// sockcheck.NewServer gets that order right by itself. Add IgnoreCurrent
// to ignore the sockets open at the defer statement.
//
// Deferred, a failure points at the end of the test. In a function
// literal passed to t.Cleanup it does too, rather than at the line that
// registered the cleanup, when t has Output and Fail as *testing.T does.
func VerifyNone(t TestingT, opts ...Option) {
	t.Helper()
	if err := Find(opts...); err != nil {
		reportAt(t, cleanupSite(), err.Error())
	}
}
