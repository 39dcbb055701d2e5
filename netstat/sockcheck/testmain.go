package sockcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// TestingM is the part of *testing.M that VerifyTestMain uses.
type TestingM interface {
	Run() int
}

// Swapped by this package's tests.
var (
	osExit             = os.Exit
	osStderr io.Writer = os.Stderr
)

// VerifyTestMain runs the package's tests, then, if they all passed, fails
// the run when a socket the options select is still open (see Find): it
// prints the sockets and exits non-zero. Call it from TestMain:
//
//	func TestMain(m *testing.M) { sockcheck.VerifyTestMain(m) }
//
// It runs after every test has closed its servers, and closing a server
// closes the client's ends of idle connections too: it cannot see a leak
// to a server a test closed. It catches what outlives the tests, such as
// connections to servers outside the package or servers never closed.
// Check each test's own server with NewServer or Track (or VerifyNone
// deferred after srv.Close) to see the rest.
func VerifyTestMain(m TestingM, opts ...Option) {
	code := m.Run()
	if code == 0 {
		err := findAfterTests(opts)
		var closed closedServerError
		switch {
		case errors.As(err, &closed):
			fmt.Fprintf(osStderr, "%v\nsockcheck: every test passed, but the check after them could see nothing\n", err)
			code = 1
		case err != nil:
			fmt.Fprintf(osStderr, "%v\nsockcheck: every test passed, but the package left these sockets open\n", err)
			code = 1
		}
	}
	osExit(code)
}

// findAfterTests is Find once no test runs any more, so a failure of a
// whole-process selection cannot be another test's doing.
func findAfterTests(opts []Option) error {
	c, err := newConfig(opts)
	if err != nil {
		return err
	}
	c.afterTests = true
	return c.find(context.Background(), newRecord(), "")
}
