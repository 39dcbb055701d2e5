package neterr_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/leaklab/leaklab/internal/neterr"
	"github.com/stretchr/testify/assert"
)

func TestCause(t *testing.T) {
	wrap := func(e error) error {
		return fmt.Errorf("get: %w", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", e)})
	}
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{wrap(syscall.ECONNREFUSED), neterr.Refused},
		{wrap(syscall.EMFILE), neterr.TooManyFiles},
		{wrap(syscall.EADDRNOTAVAIL), neterr.NoPorts},
		{wrap(syscall.ECONNRESET), neterr.Reset},
		{context.DeadlineExceeded, neterr.Timeout},
		{fmt.Errorf("x: %w", context.Canceled), neterr.Canceled},
		{io.ErrUnexpectedEOF, neterr.EOF},
		{errors.New("boom"), neterr.Other},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, neterr.Cause(tc.err), "%v", tc.err)
	}
}
