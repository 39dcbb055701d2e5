package sockcheck

import (
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
func VerifyTestMain(m TestingM, opts ...Option) {
	code := m.Run()
	if code == 0 {
		if err := Find(opts...); err != nil {
			fmt.Fprintf(osStderr, "%v\nsockcheck: every test passed, but the package left these sockets open\n", err)
			code = 1
		}
	}
	osExit(code)
}
