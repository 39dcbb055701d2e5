// Package neterr names the cause of a network error the way an operator
// would look it up: refused, timeout, reset, too many open files, out of
// ephemeral ports. Clients and testers count errors by these causes.
package neterr

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// Causes of network errors.
const (
	Refused      = "refused"
	Timeout      = "timeout"
	Reset        = "reset"
	TooManyFiles = "too many open files"
	NoPorts      = "out of ephemeral ports"
	Canceled     = "canceled"
	EOF          = "closed by peer"
	Other        = "other"
)

// Hints says what to do about each cause.
var Hints = map[string]string{
	Refused:      "nothing listens at the target: is the server running, is the port right?",
	Timeout:      "the peer did not answer in time: raise the timeout or look at the server's load",
	Reset:        "the peer reset the connection: a server limit (backlog, max connections) or a crash",
	TooManyFiles: "the process hit its open-files limit (ulimit -n): close what leaks, or raise the limit",
	NoPorts:      "no free ephemeral port to this address: reuse connections, or spread over more source addresses",
	EOF:          "the peer closed the connection before answering",
}

// Cause classifies err; nil has no cause and returns "".
func Cause(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return TooManyFiles
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return NoPorts
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return Reset
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return Timeout
	case errors.Is(err, context.Canceled):
		return Canceled
	case isEOF(err):
		return EOF
	}
	return Other
}
