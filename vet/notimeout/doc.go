// Package notimeout defines an Analyzer that reports a request that can
// wait forever.
//
// # Analyzer notimeout
//
// notimeout: report a request with no timeout and no deadline
//
// net/http waits as long as the server takes: http.DefaultClient and a
// Client literal without Timeout have none, and a request whose context
// has no deadline adds none. Against a server that hangs, each such
// request holds its goroutine and its connection forever while new ones
// keep coming. The fix is a Client with Timeout, or a context deadline
// for the request. See docs/04-no-timeout.md in github.com/leaklab/leaklab.
//
// The analyzer reports:
//
//   - http.Get, http.Head, http.Post and http.PostForm, which send through
//     http.DefaultClient with no context;
//   - Get, Head, Post and PostForm on http.DefaultClient or on a Client the
//     function makes without a Timeout;
//   - Do on such a Client when the request is made in the same function
//     with http.NewRequest, or with http.NewRequestWithContext and a
//     context that visibly has no deadline (context.Background or
//     context.TODO, maybe through WithCancel, WithValue or WithoutCancel).
//
// It stays quiet when it cannot see the request's whole story: a Client
// that comes from a parameter or a field, a context that comes from the
// caller (the caller may have set a deadline), a Client whose Timeout is
// set after construction, or whose Transport, made in the same function,
// has a ResponseHeaderTimeout. Test files are not checked: go test
// -timeout bounds them.
//
// A deliberate one is allowed with a comment on its line or the line
// above:
//
//	//leaklab:allow notimeout <reason>
package notimeout
