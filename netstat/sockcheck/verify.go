package sockcheck

import (
	"context"
	"errors"
	"fmt"
)

// TestingT is the part of *testing.T a check uses, so that *testing.T,
// *testing.B and testify suites (suite.T()) all fit.
type TestingT interface {
	Helper()
	Errorf(format string, args ...any)
}

// Find waits until no socket the options select is open, and returns an
// error listing the sockets still open when Timeout passes, with the peak
// and hints at the cause. It returns nil as soon as none is open. An error
// also reports an invalid option or an unreadable socket table.
func Find(opts ...Option) error {
	c, err := newConfig(opts)
	if err != nil {
		return err
	}
	r := newRecord()
	noneOpen := func(s sample) bool { return len(s.open) == 0 }
	last, err := poll(context.Background(), c, r, r.start.Add(c.timeout), noneOpen)
	if err != nil {
		return err
	}
	if noneOpen(last) {
		return nil
	}
	headline := fmt.Sprintf("%s still open after %v: %s",
		plural(len(last.open), "socket"), c.timeout, stateLine(last.open))
	return errors.New(report(headline, c, r, last))
}

// VerifyNone fails the test if a socket the options select is still open
// once Timeout has passed; see Find. Deferred, it checks at the end of the
// test:
//
//	defer sockcheck.VerifyNone(t, sockcheck.RemotePort(port))
//
// Add IgnoreCurrent to ignore the sockets open at the defer statement.
func VerifyNone(t TestingT, opts ...Option) {
	t.Helper()
	if err := Find(opts...); err != nil {
		t.Errorf("%v", err)
	}
}
