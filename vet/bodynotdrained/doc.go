// Package bodynotdrained defines an Analyzer that reports a response body
// closed after a partial read.
//
// # Analyzer bodynotdrained
//
// bodynotdrained: report a response body read in part, then closed
//
// The Transport puts a connection back in its pool only when the response
// body was read to EOF before Close. Code that reads what it needs (a
// prefix, a magic number, the first line) and closes the body makes the
// Transport close that connection instead: every request dials a new
// one, and the closed ones pile up in TIME_WAIT. The fix is to drain the
// rest, bounded, before Close:
//
//	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 256<<10))
//	resp.Body.Close()
//
// See docs/03-body-not-drained.md in github.com/leaklab/leaklab.
//
// The analyzer reports Close on the Body of an *http.Response (resp.Body
// or a variable holding it, deferred or not) when the function reads the
// body only in part: io.ReadFull, io.ReadAtLeast, io.CopyN into anything
// but io.Discard, or one Body.Read outside
// a loop; and nothing in the function reads it to the end. Draining is
// io.Copy, io.ReadAll, io.CopyN into io.Discard, and io.Copy or
// io.ReadAll of an io.LimitReader (a bounded drain). Its suggested fix
// inserts io.Copy(io.Discard, body) before the Close.
//
// To stay precise it is quiet whenever it cannot see the whole story: the
// body or the response passed to another function (a decoder, a helper
// that may drain it), returned or stored; a read in a loop; a request sent
// with req.Close = true, whose connection is not reused anyway.
//
// It misses a body closed without any read (the error path that closes
// the body of a 500: an empty body, a HEAD or a 204 look the same in
// source), a decoder that stops before EOF, and a bufio.Reader or Scanner
// that stops at the line it wanted.
//
// A deliberate one is allowed with a comment on its line or the line
// above:
//
//	//leaklab:allow bodynotdrained <reason>
package bodynotdrained
