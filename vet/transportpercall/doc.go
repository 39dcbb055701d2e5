// Package transportpercall defines an Analyzer that reports an
// http.Transport made for one call and thrown away after it.
//
// # Analyzer transportpercall
//
// transportpercall: report an http.Transport made per call
//
// An http.Transport owns a pool of connections. One made inside a
// function that sends a request through it and then drops it leaves that
// request's connection idle in a pool nobody will use again: one socket
// per call, open until the server closes it, and no connection is ever
// reused. The fix is one Transport (or one Client) made once and shared.
// See docs/01-new-client-per-request.md in github.com/leaklab/leaklab.
//
// The analyzer reports a Transport made with a composite literal, with
// new, or with Clone (http.DefaultTransport.(*http.Transport).Clone() per
// call is the same bug), directly or inside an http.Client literal, when
// the function that makes it sends requests through it (Client.Do, Get,
// Head, Post, PostForm, Transport.RoundTrip, or a function of the
// analysed packages that only sends through its argument) and does not
// keep it past the call. It stays quiet when the Transport or a Client
// holding it:
//
//   - is returned, stored in a field, a package variable, a map, a
//     channel or any structure, or passed to a function that may keep it
//     (a factory and a constructor keep what they build);
//   - sends from a loop or a callback that the making does not belong
//     to (one Transport made before a loop serves the whole loop; one made
//     inside the loop is reported);
//   - gets CloseIdleConnections in the same function (made and cleaned
//     up: no socket is left behind);
//   - is made in main, init, a Test, Benchmark, Fuzz or Example function
//     or the body of a t.Run subtest, outside a loop: those run once.
//
// Appending the Transport to a slice does not count as keeping it: that
// is bookkeeping (for instance so that a Close method can release them
// all later), the Transport still serves one call.
//
// A factory, a function of the analysed packages that returns a new
// Transport or a Client with a new one on every call, is not reported
// itself (its caller keeps what it returns); a caller that calls it per
// call and drops the result is, by the rules above.
//
// It misses a Transport whose requests are sent through an interface, and
// one handed to code outside the analysed packages.
//
// A deliberate one is allowed with a comment on its line or the line
// above:
//
//	//leaklab:allow transportpercall <reason>
package transportpercall
